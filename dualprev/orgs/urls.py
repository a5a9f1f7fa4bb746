from django.urls import path

from dualprev.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.enterprise_home, name="enterprise_home"),
]
