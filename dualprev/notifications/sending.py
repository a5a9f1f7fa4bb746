"""Sending deliveries: claim, try once, record the outcome (retry later with back-off, or give
up after the last try).

Claiming is a conditional update: a due delivery is taken by pushing its ``next_attempt_at`` a
lease into the future and counting the attempt, in one ``UPDATE ... WHERE next_attempt_at <=
now``. Two workers (or the after-commit job and the periodic retry job) that reach the same
delivery both run that update; the database applies them one after the other, the second
matches no row, so the message is sent once. A worker that dies mid-send leaves the delivery to
be tried again after the lease (at-least-once, like every job here).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.notifications.choices import OPEN_STATUSES, ChannelKind, DeliveryStatus
from dualprev.notifications.formats import signed_request
from dualprev.notifications.models import ERROR_MAX, Delivery, webhook_url_problem

logger = logging.getLogger(__name__)

# Wait after the 1st, 2nd, 3rd and 4th failed try; the 5th failure (MAX_ATTEMPTS) is final.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
# How long a claimed delivery is left alone by other workers: far longer than one try lasts.
LEASE = dt.timedelta(minutes=5)
WEBHOOK_TIMEOUT = 5  # seconds, connect and read
RESPONSE_MAX = 64 * 1024
RETRY_BATCH = 200


class SendError(Exception):
    """A try failed; the message says why (shown in the delivery log). ``final``: trying again
    cannot help (the channel was disabled or removed)."""

    def __init__(self, message: str, *, final: bool = False) -> None:
        super().__init__(message)
        self.final = final


@dataclass(frozen=True)
class Outcome:
    status: str
    error: str = ""


def backoff(attempts: int) -> dt.timedelta:
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def claim(delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
    """Take one due delivery for this worker, or None when it is not due or someone else took
    it first."""
    now = now or timezone.now()
    taken = Delivery.objects.filter(
        pk=delivery_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if taken != 1:
        return None
    return Delivery.objects.select_related("channel").get(pk=delivery_id)


def attempt(delivery: Delivery, now: dt.datetime | None = None) -> Outcome:
    """Try a claimed delivery once and record the outcome (guarded on the attempt it claimed,
    so a late worker cannot overwrite a newer try)."""
    final = False
    try:
        _send(delivery)
    except SendError as exc:
        error, final = str(exc), exc.final
    except Exception as exc:  # a bug or an unexpected library error must not kill the batch
        logger.exception("Delivery %s failed unexpectedly", delivery.pk)
        error = _("内部错误：%(error)s") % {"error": type(exc).__name__}
    else:
        error = ""
    now = now or timezone.now()
    mine = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    if not error:
        mine.update(status=DeliveryStatus.SENT, sent_at=now, next_attempt_at=None, last_error="")
        return Outcome(DeliveryStatus.SENT)
    error = error[:ERROR_MAX]
    if final or delivery.attempts >= delivery.max_attempts:
        mine.update(status=DeliveryStatus.DEAD, next_attempt_at=None, last_error=error)
        logger.warning("Delivery %s given up: %s", delivery.pk, error)
        return Outcome(DeliveryStatus.DEAD, error)
    mine.update(
        status=DeliveryStatus.FAILED,
        next_attempt_at=now + backoff(delivery.attempts),
        last_error=error,
    )
    return Outcome(DeliveryStatus.FAILED, error)


def send_now(delivery_ids: Iterable[int], now: dt.datetime | None = None) -> dict[str, int]:
    """Claim and try each delivery that is due; skip those others hold. Returns counts."""
    counts = {"sent": 0, "failed": 0, "dead": 0, "skipped": 0}
    for delivery_id in delivery_ids:
        delivery = claim(delivery_id, now)
        if delivery is None:
            counts["skipped"] += 1
            continue
        counts[attempt(delivery).status] += 1
    return counts


def due_ids(now: dt.datetime | None = None, limit: int = RETRY_BATCH) -> list[int]:
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- One try -------------------------------------------------------------------------------


def _send(delivery: Delivery) -> None:
    if delivery.medium == ChannelKind.EMAIL:
        _send_email(delivery)
        return
    channel = delivery.channel
    if channel is None:
        raise SendError(_("通知渠道已删除，未发送。"), final=True)
    if not channel.enabled:
        raise SendError(_("通知渠道已停用，未发送。"), final=True)
    url, body = signed_request(channel.kind, channel.webhook_url, delivery.payload, channel.secret)
    post_json(channel.kind, url, body)


def _send_email(delivery: Delivery) -> None:
    if not settings.DUALPREV_EMAIL_ENABLED:
        raise SendError(_("服务器未配置邮件发送（DUALPREV_EMAIL_HOST）。"))
    if delivery.channel is not None and not delivery.channel.enabled:
        raise SendError(_("通知渠道已停用，未发送。"), final=True)
    message = EmailMessage(
        subject=delivery.payload.get("subject", delivery.title),
        body=delivery.payload.get("body", ""),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.target],
        connection=get_connection(fail_silently=False),
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(_("收件地址被邮件服务器拒绝：%(error)s") % {"error": exc}) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(_("邮件发送失败：%(error)s") % {"error": exc}) from exc


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Robots answer directly; a redirect is refused rather than followed to another host."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(kind: str, url: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` as JSON and check the robot's answer: HTTP 2xx and, in its JSON,
    ``errcode`` 0 (WeCom, DingTalk) or ``code``/``StatusCode`` 0 (Feishu). Raises SendError.
    An address the rules do not allow (``models.webhook_url_problem``: stored before they
    applied, or written around the form) is refused before anything is sent, for good."""
    problem = webhook_url_problem(kind, url)
    if problem:
        raise SendError(
            _("机器人地址不在允许范围内，未发送：%(problem)s") % {"problem": problem}, final=True
        )
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "dualprev"},
        method="POST",
    )
    try:
        with _OPENER.open(request, timeout=WEBHOOK_TIMEOUT) as response:
            raw = response.read(RESPONSE_MAX)
    except urllib.error.HTTPError as exc:
        raise SendError(_("HTTP %(status)s") % {"status": exc.code}) from exc
    except TimeoutError as exc:
        raise SendError(_("连接超时（%(s)s 秒）") % {"s": WEBHOOK_TIMEOUT}) from exc
    except urllib.error.URLError as exc:
        raise SendError(_("无法连接：%(reason)s") % {"reason": exc.reason}) from exc
    except OSError as exc:
        raise SendError(_("无法连接：%(reason)s") % {"reason": exc}) from exc
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SendError(_("机器人返回的不是 JSON。")) from exc
    if not isinstance(answer, dict):
        raise SendError(_("机器人返回的不是 JSON。"))
    _check_answer(kind, answer)
    return answer


def _check_answer(kind: str, answer: dict[str, Any]) -> None:
    if kind == ChannelKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code = answer.get("errcode", 0)
        message = answer.get("errmsg", "")
    if code not in (0, "0"):
        raise SendError(
            _("机器人拒绝：错误码 %(code)s %(message)s")
            % {"code": code, "message": str(message)[:200]}
        )
