from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "dualprev.risks"
    label = "risks"
    verbose_name = _("风险分级管控")

    def ready(self) -> None:
        from dualprev.accounts.roles import MANAGE_RISKS
        from dualprev.core.navigation import NavItem, register

        register(
            NavItem(_("风险分级管控清单"), "risks:register", "enterprise", icon="list", order=40),
            NavItem(_("风险点"), "risks:object_list", "enterprise", icon="map-pin", order=41),
            NavItem(_("岗位风险"), "risks:posts", "enterprise", icon="id-card", order=41),
            NavItem(_("重新辨识"), "risks:reassessment", "enterprise", icon="refresh", order=42),
            NavItem(_("行业风险库"), "risks:libraries", "enterprise", icon="book", order=44),
            NavItem(
                _("风险分级设置"),
                "risks:settings",
                "enterprise",
                MANAGE_RISKS,
                icon="sliders",
                order=43,
            ),
        )
