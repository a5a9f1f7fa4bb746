from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "dualprev.orgs"
    label = "orgs"
    verbose_name = _("企业与组织")

    def ready(self) -> None:
        from dualprev.accounts.roles import MANAGE_ORG
        from dualprev.core.navigation import NavItem, register

        # All four pages live under /enterprise/; "人员管理" is the accounts app's view but is
        # registered here so that the menu keeps this order.
        register(
            NavItem(_("企业首页"), "orgs:enterprise_home", "enterprise", icon="building", order=10),
            NavItem(_("组织架构"), "orgs:org_tree", "enterprise", icon="sitemap", order=20),
            NavItem(_("人员管理"), "orgs:people", "enterprise", MANAGE_ORG, icon="users", order=30),
            NavItem(
                _("企业设置"), "orgs:settings", "enterprise", MANAGE_ORG, icon="settings", order=80
            ),
        )
