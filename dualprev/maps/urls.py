from django.urls import URLPattern

app_name = "maps"
urlpatterns: list[URLPattern] = []
