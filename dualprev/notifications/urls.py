"""Enterprise notification settings under ``/notifications/`` (namespace ``notifications``)."""

from django.urls import path

from dualprev.notifications import views

app_name = "notifications"

urlpatterns = [
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/", views.channel_create, name="channel_create"),
    path("channels/<uuid:public_id>/edit/", views.channel_edit, name="channel_edit"),
    path("channels/<uuid:public_id>/toggle/", views.channel_toggle, name="channel_toggle"),
    path("channels/<uuid:public_id>/test/", views.channel_test, name="channel_test"),
    path("deliveries/", views.delivery_list, name="deliveries"),
]
