from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "dualprev.maps"
    label = "maps"
    verbose_name = _("安全风险四色分布图")
