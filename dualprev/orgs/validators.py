"""Unified social credit code (统一社会信用代码) validation, GB 32100-2015."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The 31 characters of GB 32100-2015 (no I, O, Z, S, V), in value order 0..30.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_char(first17: str) -> str:
    """Return the 18th (check) character for the first 17 characters of a credit code."""
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。"), code="length", params={"n": len(code)}
        )
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。"),
            code="charset",
            params={"chars": "".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3–8位应为行政区划代码（数字）。"), code="region")
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：第18位应为 %(expected)s。"),
            code="checksum",
            params={"expected": expected},
        )


def validate_whp_company_code(value: str) -> None:
    if value and not (len(value) == 9 and value.isdigit()):
        raise ValidationError(_("危化品登记企业编码应为9位数字。"), code="whp_code")


def credit_code_for(region_code: str, serial: int) -> str:
    """A valid, deterministic GB 32100 code (工商 enterprise, ``region_code``, ``serial``) for
    demo and test data."""
    body = f"91{region_code[:6]}{serial:08d}0"
    return body + credit_code_check_char(body)
