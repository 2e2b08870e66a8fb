"""Chinese identifiers (domain reference §7): the worked examples, normalisation, and properties."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from certportal.lib.validators import (
    ID_CHECK_CHARACTERS,
    USCC_ALPHABET,
    id_check_character,
    is_valid_id_number,
    is_valid_uscc,
    mask_id_number,
    mask_mobile,
    normalise_code,
    normalise_mobile,
    search_terms,
    uscc_check_character,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)

TODAY = datetime.date(2026, 11, 26)

# --- 统一社会信用代码 --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108772551611J"])
def test_worked_examples_of_valid_uscc(code: str) -> None:
    validate_uscc(code)
    assert is_valid_uscc(code)


def test_worked_example_of_invalid_uscc() -> None:
    with pytest.raises(ValidationError) as error:
        validate_uscc("91350100M000100Y4Z")
    assert error.value.code in {"uscc_check", "uscc_characters"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (" 91350100M000100Y43 ", "91350100M000100Y43"),
        ("9135-0100-M000-100Y43", "91350100M000100Y43"),
        ("91350100m000100y43", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("9135 0100 M000 100Y 43", "91350100M000100Y43"),
    ],
)
def test_uscc_is_normalised_before_checking(typed: str, expected: str) -> None:
    assert normalise_code(typed) == expected
    validate_uscc(typed)


def test_uscc_messages_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="18"):
        validate_uscc("9135010")
    with pytest.raises(ValidationError) as error:
        validate_uscc("91350100M000100O43")
    assert error.value.code == "uscc_characters"


# Two characters (registration authority and entity type), the six-digit division code, nine more.
uscc_bodies = st.builds(
    lambda head, division, tail: head + division + tail,
    st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)


@given(uscc_bodies, st.integers(min_value=2, max_value=7), st.sampled_from("ABCDEFGHJKLMNPQRTUWXY"))
def test_a_letter_in_the_division_code_is_refused_even_with_a_recomputed_check(
    body: str, position: int, letter: str
) -> None:
    changed = body[:position] + letter + body[position + 1 :]
    code = changed + uscc_check_character(changed)
    assert not is_valid_uscc(code)
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == "uscc_division"


@given(uscc_bodies)
def test_the_check_character_makes_any_body_valid(body: str) -> None:
    assert is_valid_uscc(body + uscc_check_character(body))


@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_every_single_character_change_of_a_valid_uscc_is_rejected(body: str, position: int, new: str) -> None:
    code = body + uscc_check_character(body)
    if code[position] == new:
        return
    changed = code[:position] + new + code[position + 1 :]
    assert not is_valid_uscc(changed)


@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.sampled_from("IOSVZ"))
def test_letters_outside_the_alphabet_are_rejected(body: str, position: int, letter: str) -> None:
    code = body + uscc_check_character(body)
    assert not is_valid_uscc(code[:position] + letter + code[position + 1 :])


# --- 居民身份证号码 ----------------------------------------------------------------------------


def test_an_id_number_starting_with_0_is_refused_even_with_a_recomputed_check() -> None:
    body = "01010519491231002"
    with pytest.raises(ValidationError) as error:
        validate_id_number(body + id_check_character(body), today=TODAY)
    assert error.value.code == "id_region"


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_worked_examples_of_valid_id_numbers(number: str) -> None:
    validate_id_number(number, today=TODAY)


def test_worked_example_of_invalid_id_number() -> None:
    with pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021", today=TODAY)
    assert error.value.code == "id_check"


def test_lower_case_x_and_spaces_are_accepted() -> None:
    validate_id_number(" 110105 19491231 002x ", today=TODAY)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_length"),
        ("1101051949123100AX", "id_characters"),
        ("110105194902300025", "id_birth_date"),  # 30 February
        ("110105203001010011", "id_birth_date"),  # in the future
    ],
)
def test_id_numbers_with_impossible_parts_are_rejected(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_id_number(number, today=TODAY)
    assert error.value.code == code


birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31))


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(min_value=110000, max_value=659999))
    birth = draw(birth_dates)
    sequence = draw(st.integers(min_value=0, max_value=999))
    first_17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first_17 + id_check_character(first_17)


@given(valid_id_numbers())
def test_generated_id_numbers_are_valid(number: str) -> None:
    assert is_valid_id_number(number, today=TODAY)


@given(valid_id_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_every_single_character_change_of_a_valid_id_number_is_rejected(number: str, position: int, new: str) -> None:
    if number[position] == new or (position < 17 and new == "X"):
        return
    changed = number[:position] + new + number[position + 1 :]
    assert not is_valid_id_number(changed, today=TODAY)


def test_check_characters_cover_all_remainders() -> None:
    assert len(ID_CHECK_CHARACTERS) == 11


def test_id_numbers_are_masked_to_region_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"


# --- Mobile numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["13912345678", "+86 139-1234-5678", "0086 13912345678", "8613912345678", "１３９１２３４５６７８"]
)
def test_valid_mobiles_in_the_forms_people_type(typed: str) -> None:
    validate_mobile(typed)
    assert normalise_mobile(typed) == "13912345678"


@pytest.mark.parametrize("typed", ["12345678901", "1391234567", "139123456789", "+1 415 555 0100", "", "abc"])
def test_invalid_mobiles(typed: str) -> None:
    with pytest.raises(ValidationError, match="11"):
        validate_mobile(typed)


def test_mobiles_are_masked() -> None:
    assert mask_mobile("13912345678") == "139****5678"


def test_search_terms_drop_control_characters_and_extra_spaces() -> None:
    assert search_terms("  海尔\x00 \x1b[31m  空调\t ") == "海尔 [31m 空调"
    assert search_terms("长" * 500) == "长" * 100
