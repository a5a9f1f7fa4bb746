"""Shared bits of the register import/export commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from dualprev.orgs.models import Enterprise


def enterprise_by_credit_code(code: str) -> Enterprise:
    enterprise = Enterprise.objects.filter(credit_code=code.strip().upper()).first()
    if enterprise is None:
        raise CommandError(f"没有统一社会信用代码为 {code} 的企业。")
    return enterprise
