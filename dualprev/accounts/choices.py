"""Roles of the enterprise side and the regulator side."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseRole(models.TextChoices):
    MAIN_LEADER = "main_leader", _("主要负责人")
    DEPUTY_LEADER = "deputy_leader", _("分管负责人")
    SAFETY_DIRECTOR = "safety_director", _("安全总监")
    SAFETY_OFFICER = "safety_officer", _("安全管理员")
    DEPT_HEAD = "dept_head", _("部门/车间负责人")
    TEAM_LEADER = "team_leader", _("班组长")
    WORKER = "worker", _("岗位员工")


class RegulatorRole(models.TextChoices):
    DISTRICT_SUPERVISOR = "district_supervisor", _("区应急管理局监管人员")
    STREET_STAFF = "street_staff", _("街道/乡镇安全员")
    INDUSTRY_DEPT = "industry_dept", _("行业主管部门")
    CITY_READONLY = "city_readonly", _("市级（只读）")
    PROVINCE_READONLY = "province_readonly", _("省级（只读）")
