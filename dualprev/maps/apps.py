from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "dualprev.maps"
    label = "maps"
    verbose_name = _("安全风险四色分布图")

    def ready(self) -> None:
        from dualprev.core.navigation import NavItem, register

        register(NavItem(_("四色分布图"), "maps:index", "enterprise", icon="map", order=45))
