from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "dualprev.hazards"
    label = "hazards"
    verbose_name = _("隐患治理")

    def ready(self) -> None:
        from dualprev.core.navigation import NavItem, register

        # Menu entries, one block per page group (urls_<group>.py).
        # office
        register(NavItem(_("隐患治理"), "hazards:index", "enterprise", icon="alert", order=55))
        # worker
        register(
            NavItem(_("我的隐患"), "hazards:mine", "enterprise", "report_hazard", order=13),
            NavItem(_("上报隐患"), "hazards:report", "enterprise", "report_hazard", order=14),
        )
        # triage
        register(NavItem(_("扫码举报"), "hazards:triage", "enterprise", "manage_hazards", order=56))
        # reports
        register(
            NavItem(_("隐患统计"), "hazards:stats", "enterprise", "manage_hazards", "chart", 56)
        )
        # participation
        register(NavItem(_("积分排行"), "hazards:leaderboard", "enterprise", order=57))
