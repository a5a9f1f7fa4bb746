from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dualprev.demo"
    label = "demo"
    verbose_name = "Demo district"
