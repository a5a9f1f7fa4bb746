from django.urls import path

from dualprev.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<uuid:public_id>/", views.enterprise_detail, name="enterprise_detail"),
]
