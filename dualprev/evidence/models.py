"""The evidence chain: one append-only hash chain per enterprise over its hazard events and
check records, the chain's head (locked while appending), and the daily anchors.

Invariants: an enterprise's entries are numbered ``seq`` 1..n without gaps; entry n's
``prev_hash`` is entry n-1's ``entry_hash`` (``hashing.GENESIS`` for entry 1); ``entry_hash``
covers ``prev_hash``, ``seq``, ``kind``, ``object_id`` and ``content_hash`` (``hashing``); a row is
chained at most once per kind; ``ChainHead`` holds the last entry's ``seq`` and ``entry_hash``.
Rows are written only by ``evidence.chain`` (entries, heads) and ``evidence.anchors`` (anchors)
and never updated or deleted by the application.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dualprev.evidence.hashing import CHECK_RECORD, CHECK_RECORD_VOID, GENESIS, HAZARD_EVENT


class ChainKind(models.TextChoices):
    HAZARD_EVENT = HAZARD_EVENT, _("隐患处理记录")
    CHECK_RECORD = CHECK_RECORD, _("排查记录")
    CHECK_RECORD_VOID = CHECK_RECORD_VOID, _("排查记录撤除")


class ChainEntry(models.Model):
    """One link of an enterprise's chain: a hazard event, a check record, or the lawful removal
    of a check record (the system's 未排查 placeholder replaced by a check made in time, or
    withdrawn by a 停用/检修 recorded afterwards). ``object_id`` is the row's primary key; for a
    removal, ``content_hash`` is the removed row's content at removal."""

    enterprise = models.ForeignKey(
        "orgs.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    seq = models.PositiveBigIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=20, choices=ChainKind.choices)
    object_id = models.BigIntegerField(_("记录编号"))
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    entry_hash = models.CharField(_("本条哈希"), max_length=64)
    created_at = models.DateTimeField(_("写入时间"), default=timezone.now)

    class Meta:
        ordering = ["enterprise", "seq"]
        verbose_name = _("证据链条目")
        verbose_name_plural = _("证据链条目")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "seq"], name="chainentry_seq_unique"),
            # Also the index behind "is this row chained yet?" and the unchained-rows check.
            models.UniqueConstraint(fields=["kind", "object_id"], name="chainentry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}#{self.seq} {self.kind} {self.object_id}"


class ChainHead(models.Model):
    """The last entry of an enterprise's chain. Appending locks this row (``SELECT … FOR
    UPDATE``), so concurrent appends to one enterprise's chain take turns on PostgreSQL; SQLite
    serialises all writers anyway."""

    enterprise = models.OneToOneField(
        "orgs.Enterprise",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("企业"),
    )
    seq = models.PositiveBigIntegerField(_("长度"), default=0)
    hash = models.CharField(_("链头哈希"), max_length=64, default=GENESIS)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证据链链头")
        verbose_name_plural = _("证据链链头")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.seq} {self.hash[:12]}"


class ChainAnchor(models.Model):
    """An enterprise's chain head on a day: its length and head hash when the anchor job last
    ran that day. Verification checks that entry ``length`` still has ``head_hash``, so entries
    deleted from the end (with the head row rewritten to match) are caught. Anchors only move
    forward: the job never moves a day's anchor onto a shorter or different chain. Copies
    printed by ``dualprev anchor-chains`` can be kept outside the database."""

    enterprise = models.ForeignKey(
        "orgs.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    date = models.DateField(_("日期"))
    length = models.PositiveBigIntegerField(_("长度"))
    head_hash = models.CharField(_("链头哈希"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        ordering = ["enterprise", "date"]
        verbose_name = _("证据链锚点")
        verbose_name_plural = _("证据链锚点")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "date"], name="chainanchor_one_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.date} {self.length}"
