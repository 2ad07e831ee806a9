from __future__ import annotations

import pytest

from crm_insights.numerals import to_int


@pytest.mark.parametrize(
    ("token", "value"),
    [("12", 12), ("十", 10), ("十二", 12), ("二十三", 23), ("两", 2), ("一百", 100), ("twelve", 12), ("Three", 3)],
)
def test_to_int_reads_digits_chinese_and_english(token: str, value: int) -> None:
    assert to_int(token) == value


@pytest.mark.parametrize("token", ["", "abc", "十x", "客户"])
def test_to_int_refuses_non_numbers(token: str) -> None:
    assert to_int(token) is None


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("两千", 2000),
        ("一万二千", 12000),
        ("三千零五", 3005),
        ("十万", 100000),
        ("一百零八", 108),
        # the spoken short form: a last digit after 百 or above is one place lower
        ("两千五", 2500),
        ("一千二", 1200),
        ("三万五", 35000),
        ("一百二", 120),
    ],
)
def test_to_int_reads_every_place_value_and_the_spoken_short_form(token: str, value: int) -> None:
    assert to_int(token) == value
