from django.urls import path

from dualprev.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
]
