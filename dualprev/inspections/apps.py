from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "dualprev.inspections"
    label = "inspections"
    verbose_name = _("隐患排查")

    def ready(self) -> None:
        from dualprev.accounts.roles import CHECK
        from dualprev.core.navigation import NavItem, register

        register(
            NavItem(_("我的排查"), "checks:today", "enterprise", CHECK, icon="check", order=12),
            NavItem(_("隐患排查"), "inspections:index", "enterprise", icon="search", order=50),
            NavItem(_("排查统计"), "inspections:reports", "enterprise", icon="chart", order=51),
        )
