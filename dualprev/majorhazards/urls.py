from django.urls import URLPattern

app_name = "majorhazards"
urlpatterns: list[URLPattern] = []
