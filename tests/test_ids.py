"""Ids as users and buttons give them: only plain ASCII numbers that fit a database column."""

import pytest

from bot.core import Action
from bot.core.ids import MAX_ID, parse_id, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("#12", 12),
        (" 7 ", 7),
        ("²", None),
        ("³3", None),
        ("٣", None),
        ("1.5", None),
        ("-3", None),
        ("0", None),
        ("", None),
        ("99999999999999999999", None),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
    ],
)
def test_an_id_is_ascii_decimal_and_fits_a_column(text, expected):
    assert parse_id(text) == expected


def test_prefixed_ids_and_small_numbers():
    assert parse_id("A12", prefix="A") == 12 and parse_id("a12", prefix="A") == 12
    assert parse_id("A²", prefix="A") is None
    assert parse_number("3", 1, 10) == 3 and parse_number("11", 1, 10) is None and parse_number("²", 0, 9) is None


def test_a_forged_button_value_names_nothing():
    press = dict(platform="console", workspace="w", channel="c", user="u", action_id="x")
    assert Action(**press, value="9" * 20).int_value == -1
    assert Action(**press, value="²").int_value == -1
    assert Action(**press, value="42").int_value == 42
