"""Users and their memberships: a user works for one enterprise or one regulator agency."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dualprev.accounts.choices import EnterpriseRole, RegulatorRole
from dualprev.core.models import PublicIdModel, TenantModel, TimeStampedModel

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入11位中国大陆手机号码。"))


class User(AbstractUser):
    """A person who can log in. Logs in with username or mobile number."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=64, blank=True)
    mobile = models.CharField(
        _("手机号码"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[mobile_validator],
        error_messages={"unique": _("该手机号已被其他账号使用。")},
    )

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.username

    def clean(self) -> None:
        super().clean()
        if self.mobile == "":
            self.mobile = None
        # Login accepts a username or a mobile number, so neither may equal the other kind of
        # identifier of a different account (the login would be ambiguous).
        others = User.objects.exclude(pk=self.pk) if self.pk else User.objects.all()
        if self.mobile and others.filter(username=self.mobile).exists():
            raise ValidationError({"mobile": _("该手机号已被其他账号用作用户名。")})
        if self.username and others.filter(mobile=self.username).exists():
            raise ValidationError({"username": _("该用户名已被其他账号用作手机号。")})

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username


class Membership(TenantModel):
    """A user's place in one enterprise: role, org unit and the posts (岗位) they hold.

    Invariant: a user has at most one active membership (enterprise or agency)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="membership", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=32, choices=EnterpriseRole.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("所属组织单元"),
    )
    posts = models.ManyToManyField(
        "orgs.Post", blank=True, related_name="holders", verbose_name=_("岗位")
    )
    is_active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("企业人员")
        verbose_name_plural = _("企业人员")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        super().clean()
        if self.org_unit is not None and self.org_unit.enterprise_id != self.enterprise_id:
            raise ValidationError({"org_unit": _("组织单元必须属于同一企业。")})
        if self.user_id and AgencyMembership.objects.filter(user_id=self.user_id).exists():
            raise ValidationError({"user": _("该用户已是监管机构人员。")})


class AgencyMembership(TimeStampedModel, PublicIdModel):
    """A regulator staff member. The jurisdiction is a region subtree (default: the agency's
    region), optionally limited to industries.

    Invariant: the jurisdiction region lies inside the agency's region."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="agency_membership", verbose_name=_("用户")
    )
    agency = models.ForeignKey(
        "orgs.Agency", on_delete=models.PROTECT, related_name="staff", verbose_name=_("监管机构")
    )
    role = models.CharField(_("角色"), max_length=32, choices=RegulatorRole.choices)
    region = models.ForeignKey(
        "orgs.Region",
        on_delete=models.PROTECT,
        verbose_name=_("负责辖区"),
        help_text=_("留空时为机构的全部辖区。"),
        null=True,
        blank=True,
    )
    industries = models.ManyToManyField(
        "orgs.Industry",
        blank=True,
        verbose_name=_("限定行业"),
        help_text=_("留空表示不限行业。"),
    )
    is_active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("监管人员")
        verbose_name_plural = _("监管人员")

    def __str__(self) -> str:
        return f"{self.user} · {self.agency}"

    @property
    def jurisdiction(self):
        return self.region or self.agency.region

    def clean(self) -> None:
        super().clean()
        if (
            self.region is not None
            and self.agency_id
            and not self.region.path.startswith(self.agency.region.path)
        ):
            raise ValidationError({"region": _("负责辖区必须在机构辖区之内。")})
        if self.user_id and Membership.objects.filter(user_id=self.user_id).exists():
            raise ValidationError({"user": _("该用户已是企业人员。")})
