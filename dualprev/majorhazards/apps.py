from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MajorhazardsConfig(AppConfig):
    name = "dualprev.majorhazards"
    label = "majorhazards"
    verbose_name = _("重大危险源")

    def ready(self) -> None:
        from dualprev.core.navigation import NavItem, register

        register(
            NavItem(
                _("重大危险源"), "majorhazards:source_list", "enterprise", icon="alert", order=46
            ),
        )
