"""Base models shared by every app. No domain models live here.

``TenantModel`` is the single way an enterprise owns data: it carries the ``enterprise`` key and
its default manager offers ``visible_to(user, action)``, the tenancy choke point.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from dualprev.core.tenancy import Action


class TimeStampedModel(models.Model):
    """Creation and update times, kept by the database layer."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """A random public id: URLs carry it, never the sequential primary key."""

    public_id = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """Queryset whose ``visible_to`` restricts rows to what an actor may see or do.

    ``tenant_path`` on the model names the lookup from the row to its Enterprise ("enterprise"
    for tenant-owned rows, "" for the Enterprise itself).
    """

    def visible_to(self, user: Any, action: Action | str = "view") -> Self:
        from dualprev.core.tenancy import actor_for, scope_filter

        actor = actor_for(user)
        return self.filter(scope_filter(actor, action, self.model.tenant_path))


class TenantModel(TimeStampedModel, PublicIdModel):
    """A row owned by exactly one enterprise (生产经营单位).

    Invariant: ``enterprise`` never changes after creation and is never null; every read in a
    view goes through ``objects.visible_to(user, action)`` or an ``access_*`` helper.
    """

    tenant_path = "enterprise"

    enterprise = models.ForeignKey(
        "orgs.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("企业"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
