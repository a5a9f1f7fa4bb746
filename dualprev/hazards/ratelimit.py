"""Abuse control for hazard reports without an account (the risk point QR and the enterprise's
report link).

Who the client is: ``client_key`` = HMAC-SHA256(SECRET_KEY, client network); the address itself
is never stored. The address is the connecting one (``REMOTE_ADDR``); ``X-Forwarded-For`` is
read only when the connecting address is a proxy listed in ``DUALPREV_TRUSTED_PROXIES``, and
then the right-most address in it that is not such a proxy counts (the left part of the header
is whatever the client wrote).

The client network (``client_network``): an IPv4 address counts on its own; an IPv6 address
counts by its network of ``DUALPREV_PUBLIC_IPV6_PREFIX`` (64) bits, since one IPv6 host is
usually given a whole /64 and could otherwise post from as many addresses as it likes; an
IPv4-mapped IPv6 address (``::ffff:1.2.3.4``, what a dual-stack socket reports) is the IPv4
address it carries. An address that does not parse (a misconfigured server or a Unix socket
without a trusted proxy) gets the fixed key of ``UNKNOWN_CLIENT``: all such requests share one
client limit, which fails safe (a flood stays limited) at the cost of those clients limiting
one another.

The limits (settings, with the defaults in brackets), all counted from stored rows so nothing
extra is kept:

- per client: at most ``DUALPREV_PUBLIC_REPORTS_PER_HOUR`` (20) reports in any rolling hour,
  counted across every enterprise (index ``publicreport_client_time``);
- per enterprise: at most ``DUALPREV_PUBLIC_REPORTS_PER_DAY`` (200) reports per local day, so a
  flood from many addresses still cannot fill one enterprise's queue without end;
- per enterprise: at most ``DUALPREV_PUBLIC_PHOTO_MB_PER_DAY`` (200 MB) of stored photos per day;
  beyond it a report is stored without its photo.

A refused request gets HTTP 429 with ``Retry-After`` and writes nothing. The view asks
``refusal`` first, before the body is parsed or a photo decoded, so a flood is turned away
cheaply; the store (``public.submit_public_report``) asks again under ``serialised`` and
inserts in the same transaction, so concurrent requests cannot together exceed a limit.

Why a lock and not "insert, count, roll back if over": under PostgreSQL's READ COMMITTED two
concurrent transactions do not see each other's uncommitted rows, so both could count 20 and
both commit. ``serialised`` takes transaction-scoped advisory locks (the client's, then the
enterprise's — always in that order, so two requests cannot wait on each other in a cycle);
SQLite needs none, as the project opens every transaction IMMEDIATE (one writer at a time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dualprev.hazards.models import PublicReport

HOUR = dt.timedelta(hours=1)
# Advisory lock namespaces (the two-key form of pg_advisory_xact_lock): "PR" client, "PE"
# enterprise. Other users of advisory locks in the database use other namespaces.
_CLIENT_LOCK = 0x5052
_ENTERPRISE_LOCK = 0x5045


@dataclass(frozen=True)
class Limits:
    per_client_hour: int
    per_enterprise_day: int
    photo_bytes_per_enterprise_day: int


def limits() -> Limits:
    return Limits(
        per_client_hour=getattr(settings, "DUALPREV_PUBLIC_REPORTS_PER_HOUR", 20),
        per_enterprise_day=getattr(settings, "DUALPREV_PUBLIC_REPORTS_PER_DAY", 200),
        photo_bytes_per_enterprise_day=getattr(settings, "DUALPREV_PUBLIC_PHOTO_MB_PER_DAY", 200)
        * 1024
        * 1024,
    )


# --- Who the client is -------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


# The network every request whose client address does not parse is counted under.
UNKNOWN_CLIENT = "unknown"


def _parsed(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address, an IPv4-mapped IPv6 one as its IPv4 address; None if it does not parse."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(address: str) -> bool:
    ip = _parsed(address)
    if ip is None:
        return False
    proxies = tuple(getattr(settings, "DUALPREV_TRUSTED_PROXIES", ()) or ())
    return any(ip in network for network in _networks(proxies))


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or — behind a trusted proxy — the right-most
    ``X-Forwarded-For`` entry that is not itself a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _trusted(address):
            ip = _parsed(address)
            # A malformed entry: fall back to the proxy itself.
            return str(ip) if ip is not None else remote
    return remote


def client_network(address: str) -> str:
    """What one client is counted as: an IPv4 address itself (also when written IPv4-mapped,
    ``::ffff:1.2.3.4``), an IPv6 address's network of ``DUALPREV_PUBLIC_IPV6_PREFIX`` bits
    (``2001:db8:1:2::/64``), and ``UNKNOWN_CLIENT`` for anything that does not parse."""
    ip = _parsed(address)
    if ip is None:
        return UNKNOWN_CLIENT
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ip)
    prefix = int(getattr(settings, "DUALPREV_PUBLIC_IPV6_PREFIX", 64))
    prefix = min(max(prefix, 1), 128)
    return str(ipaddress.IPv6Network((int(ip), prefix), strict=False))


def client_key(request: HttpRequest) -> str:
    """HMAC-SHA256 of the client network (``client_network``) under the site's secret (64 hex
    digits)."""
    network = client_network(client_ip(request))
    return hmac.new(settings.SECRET_KEY.encode(), network.encode(), hashlib.sha256).hexdigest()


# --- The limits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a report is refused (HTTP 429) and when to try again (seconds)."""

    reason: str  # "client" or "enterprise"
    message: str
    retry_after: int


def day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The local calendar day around ``now`` (Asia/Shanghai by default)."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)  # wall-clock arithmetic: the next midnight


def refusal(key: str, enterprise_id: int, now: dt.datetime | None = None) -> Refusal | None:
    """Whether one more report from ``key`` to the enterprise would break a limit (two
    indexed counts; nothing is read from the request body)."""
    now = now or timezone.now()
    rules = limits()
    # No upper bound: a concurrent request's row, committed while this one waited for the
    # lock, may carry a time a moment after ``now`` and must still count.
    recent = PublicReport.objects.filter(client_key=key, created_at__gt=now - HOUR)
    if recent.count() >= rules.per_client_hour:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = (oldest + HOUR - now) if oldest else HOUR
        return Refusal(
            "client",
            _("提交过于频繁：同一网络每小时最多提交 %(n)d 条举报，请稍后再试。")
            % {"n": rules.per_client_hour},
            _seconds(wait),
        )
    start, end = day_bounds(now)
    today = PublicReport.objects.filter(
        enterprise_id=enterprise_id, created_at__gte=start, created_at__lt=end
    )
    if today.count() >= rules.per_enterprise_day:
        return Refusal(
            "enterprise",
            _(
                "该单位今天收到的举报已满，请稍后再试。情况紧急时请直接联系该单位安全管理人员，"
                "或拨打 119、120、110。"
            ),
            _seconds(end - now),
        )
    return None


def photo_bytes_left(enterprise_id: int, now: dt.datetime | None = None) -> int:
    """How many bytes of photos the enterprise's reports may still store today. Sums the
    stored files' sizes (at most the day's report limit of files, each a local stat)."""
    start, end = day_bounds(now or timezone.now())
    names = (
        PublicReport.objects.filter(
            enterprise_id=enterprise_id, created_at__gte=start, created_at__lt=end
        )
        .exclude(photo="")
        .values_list("photo", flat=True)
    )
    used = 0
    storage = PublicReport._meta.get_field("photo").storage
    for name in names:
        try:
            used += storage.size(name)
        except OSError:
            continue  # a file removed by hand no longer takes space
    return max(0, limits().photo_bytes_per_enterprise_day - used)


def _seconds(delta: dt.timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


@contextmanager
def serialised(key: str, enterprise_id: int) -> Iterator[None]:
    """A transaction in which the limits can be checked and a report stored without a
    concurrent request of the same client or enterprise slipping in between (see the module
    docstring)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [_CLIENT_LOCK, _lock_id(key)]
                )
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    [_ENTERPRISE_LOCK, enterprise_id % 2**31],
                )
        yield


def _lock_id(key: str) -> int:
    """A signed 32-bit number from the client key (a collision only serialises two clients)."""
    return int(key[:8], 16) - 2**31 if key else 0
