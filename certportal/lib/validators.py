"""Chinese identifiers: the unified social credit code, the resident ID number and mobile numbers.

Each has a `normalise_*` function (what people type becomes the canonical form) and a `validate_*`
function that raises ValidationError with a message an office worker understands.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code (统一社会信用代码).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11643-1999: the citizen identification number (居民身份证号码).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
MOBILE_PREFIXES = ("+86", "0086", "86")
SEPARATORS = re.compile(r"[\s\-]+")


def to_half_width(text: str) -> str:
    """Full-width letters, digits and signs (ＡＢＣ１２３－) become their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def normalise_code(value: str) -> str:
    """Trim, drop spaces and hyphens, full-width to half-width, upper-case."""
    return SEPARATORS.sub("", to_half_width(value or "")).upper()


# --- 统一社会信用代码 -------------------------------------------------------------------------


def uscc_check_character(first_17: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first_17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    if len(code) != 18 or any(char not in USCC_ALPHABET for char in code):
        return False
    return uscc_division_is_digits(code) and uscc_check_character(code[:17]) == code[17]


def uscc_division_is_digits(code: str) -> bool:
    """Positions 3 to 8 are the administrative-division code (行政区划码): six digits."""
    return code[2:8].isdigit()


def validate_uscc(value: str) -> None:
    code = normalise_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="uscc_length",
            params={"count": len(code)},
        )
    if any(char not in USCC_ALPHABET for char in code):
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and capital letters other than "
                "I, O, S, V and Z. Please copy it again from the business licence."
            ),
            code="uscc_characters",
        )
    if not uscc_division_is_digits(code):
        raise ValidationError(
            _(
                "Characters 3 to 8 of a unified social credit code are the administrative-division code "
                "and are digits only. Please copy it again from the business licence."
            ),
            code="uscc_division",
        )
    if not is_valid_uscc(code):
        raise ValidationError(
            _(
                "This unified social credit code does not add up (its last character is a check "
                "character). Please compare it with the business licence."
            ),
            code="uscc_check",
        )


# --- 居民身份证号码 ---------------------------------------------------------------------------


def id_check_character(first_17: str) -> str:
    total = sum(int(char) * weight for char, weight in zip(first_17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def id_birth_date(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_gender(number: str) -> str:
    """'male' or 'female', from the parity of the 17th digit."""
    return "male" if int(number[16]) % 2 == 1 else "female"


def is_valid_id_number(number: str, *, today: datetime.date | None = None) -> bool:
    try:
        validate_id_number(number, today=today)
    except ValidationError:
        return False
    return True


def validate_id_number(value: str, *, today: datetime.date | None = None) -> None:
    number = normalise_code(value)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."),
            code="id_characters",
        )
    if number[0] == "0":
        raise ValidationError(
            _("A resident ID number starts with its region code, whose first digit is 1 to 9."),
            code="id_region",
        )
    birth = id_birth_date(number)
    today = today or timezone.localdate()
    if birth is None or birth >= today or birth.year < 1800:
        raise ValidationError(
            _("The birth date inside this ID number (digits 7 to 14) is not a real past date."),
            code="id_birth_date",
        )
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID number does not add up (its last character is a check character). Please check each digit."),
            code="id_check",
        )


def mask_id_number(number: str) -> str:
    """110105********002X: region code and last four characters only."""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[14:]}"


# --- Mobile numbers ----------------------------------------------------------------------------


def normalise_mobile(value: str) -> str:
    number = SEPARATORS.sub("", to_half_width(value or ""))
    for prefix in MOBILE_PREFIXES:
        if number.startswith(prefix) and len(number) == len(prefix) + 11:
            return number[len(prefix) :]
    return number


def validate_mobile(value: str) -> None:
    if not MOBILE_PATTERN.match(normalise_mobile(value)):
        raise ValidationError(
            _("Please enter an 11-digit mainland mobile number starting with 13 to 19, e.g. 13912345678."),
            code="mobile",
        )


def mask_mobile(number: str) -> str:
    """139****5678."""
    if len(number) != 11:
        return number
    return f"{number[:3]}****{number[7:]}"


# Every control character, NUL included: none belongs in a search (PostgreSQL refuses NUL in text).
SEARCH_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def search_terms(value: str, *, limit: int = 100) -> str:
    """What a search box's text means: control characters dropped, runs of spaces made one,
    at most `limit` characters."""
    return " ".join(SEARCH_CONTROLS.sub(" ", value).split())[:limit]
