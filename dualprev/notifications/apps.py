from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "dualprev.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from dualprev.accounts.roles import MANAGE_ORG
        from dualprev.core.navigation import NavItem, register

        register(
            NavItem(_("我的消息"), "inbox:index", "enterprise", icon="bell", order=11),
            NavItem(_("通知渠道"), "notifications:channels", "enterprise", MANAGE_ORG, order=86),
            NavItem(
                _("通知发送记录"), "notifications:deliveries", "enterprise", MANAGE_ORG, order=87
            ),
        )
