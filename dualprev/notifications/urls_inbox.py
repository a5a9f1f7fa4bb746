"""Everyone's own messages under ``/inbox/`` (namespace ``inbox``)."""

from django.urls import path

from dualprev.notifications import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="index"),
    path("open/", views.open_message, name="open"),
    path("read-all/", views.read_all, name="read_all"),
]
