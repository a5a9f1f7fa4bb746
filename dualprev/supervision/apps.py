from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "dualprev.supervision"
    label = "supervision"
    verbose_name = _("政府监管")

    def ready(self) -> None:
        from dualprev.core.navigation import NavItem, register

        register(
            NavItem(_("辖区概览"), "supervision:home", "regulator", order=10),
            NavItem(_("企业名录"), "supervision:enterprise_list", "regulator", order=20),
            NavItem(_("隐患监管"), "supervision:hazards", "regulator", icon="alert", order=30),
            NavItem(
                _("隐患报告签收"), "supervision:hazard_reports", "regulator", icon="inbox", order=31
            ),
        )
