from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dualprev.core"
    label = "core"
    verbose_name = "Core"
