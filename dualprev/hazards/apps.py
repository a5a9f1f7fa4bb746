from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "dualprev.hazards"
    label = "hazards"
    verbose_name = _("隐患治理")

    def ready(self) -> None:
        from dualprev.core.navigation import NavItem, register  # noqa: F401

        # Menu entries, one block per page group (urls_<group>.py).
        # office
        # worker
        # triage
        # reports
        # participation
