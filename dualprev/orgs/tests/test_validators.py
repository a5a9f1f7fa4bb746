import pytest
from django.core.exceptions import ValidationError

from dualprev.core.testing import make_credit_code
from dualprev.orgs.validators import credit_code_check_char, validate_credit_code


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example code printed in GB 32100-2015 guidance
        "91110000600037341L",
    ],
)
def test_it_accepts_valid_credit_codes(code: str) -> None:
    validate_credit_code(code)


def test_generated_codes_are_valid() -> None:
    for serial in range(1, 200):
        validate_credit_code(make_credit_code("410103", serial))


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y44", "checksum"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100YI3", "charset"),
        ("91ABCDEFM000100Y43", "region"),
        ("", "length"),
    ],
)
def test_it_rejects_invalid_credit_codes(code: str, error: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == error


def test_check_char_uses_gb32100_weights() -> None:
    # Hand-worked: sum of value*weight for "91350100M000100Y4" is 1640; 31 - 1640 % 31 = 3.
    assert credit_code_check_char("91350100M000100Y4") == "3"
