from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "dualprev.risks"
    label = "risks"
    verbose_name = _("风险分级管控")
