from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "dualprev.reference"
    label = "reference"
    verbose_name = _("标准与基础数据")

    def ready(self) -> None:
        from dualprev.core.navigation import NavItem, register

        register(NavItem(_("标准与基础数据"), "reference:index", "user", icon="book", order=90))
