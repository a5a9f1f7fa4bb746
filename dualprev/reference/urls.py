from django.urls import path

from dualprev.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.index, name="index"),
    path("enumerations/", views.enumerations, name="enumerations"),
    path("calendar/", views.holiday_calendar, name="calendar"),
    path("datasets/<slug:code>/", views.dataset_detail, name="dataset"),
]
