from __future__ import annotations

import pytest

from crm_insights.config import get_settings
from crm_insights.errors import InputError, NotFoundError
from crm_insights.tools.ids import candidate_ids, padded_forms, parse_customer_ref, resolve_customer


@pytest.mark.parametrize(
    ("ref", "body", "letters", "digits"),
    [
        ("100", "100", "", "100"),
        ("00100", "00100", "", "00100"),
        ("客户100", "100", "", "100"),
        ("客户 100", "100", "", "100"),
        ("客户编号：00100", "00100", "", "00100"),
        ("顾客#100", "100", "", "100"),
        ("100号客户", "100", "", "100"),
        ("第100号客户", "100", "", "100"),
        ("customer 100", "100", "", "100"),
        ("Customer100", "100", "", "100"),
        ("customer #100", "100", "", "100"),
        ("Customer ID: 00100", "00100", "", "00100"),
        ("cust-100", "100", "", "100"),
        ("No. 100", "100", "", "100"),
        ("#100", "100", "", "100"),
        ("  '00100' ", "00100", "", "00100"),
        ("１００", "100", "", "100"),  # full-width digits
        ("C100", "C100", "C", "100"),
        ("c1042", "c1042", "c", "1042"),
        ("VIP-0777", "VIP-0777", "VIP", "0777"),
        ("idle7", "idle7", "idle", "7"),  # "id" inside a word is not a prefix
        ("nora", "nora", "", ""),
        ("客户abc", "abc", "", ""),
    ],
)
def test_parse_customer_ref(ref: str, body: str, letters: str, digits: str) -> None:
    parsed = parse_customer_ref(ref)
    assert (parsed.body, parsed.letters, parsed.digits) == (body, letters, digits)


@pytest.mark.parametrize("ref", ["", "   ", "\t"])
def test_parse_rejects_empty(ref: str) -> None:
    with pytest.raises(InputError):
        parse_customer_ref(ref)


def test_padded_forms_are_numerically_equal() -> None:
    forms = padded_forms("00100", max_width=7)
    assert forms == ["100", "0100", "00100", "000100", "0000100"]
    assert padded_forms("0", max_width=3) == ["0", "00", "000"]


def test_candidates_most_literal_first() -> None:
    cands = candidate_ids("C100")
    assert cands[0] == "C100"
    assert cands.index("C00100") < cands.index("00100")  # letter code kept before the bare number
    assert len(cands) == len(set(cands))
    cands = candidate_ids("客户100")
    assert cands[:3] == ["客户100", "100", "0100"]
    assert "00100" in cands


MIXED = [
    ("00100", None, [], []),
    ("01042", None, [], []),
    ("100100", None, [], []),
    ("VIP-0777", None, [], []),
    ("C0042", None, [], []),
    ("AbC", None, [], []),
    ("12", None, [], []),
    ("012", None, [], []),
]


@pytest.fixture
def mixed_engine(make_store):  # type: ignore[no-untyped-def]
    get_settings.cache_clear()
    return make_store(get_settings(), MIXED).engine


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("100", "00100"),
        ("00100", "00100"),
        ("0100", "00100"),
        ("客户100", "00100"),
        ("customer 100", "00100"),
        ("C100", "00100"),
        ("c1042", "01042"),
        ("1042", "01042"),
        ("客户 #1042", "01042"),
        ("100100", "100100"),  # not confused with 00100
        ("777", "VIP-0777"),  # trailing number of a coded id
        ("vip-0777", "VIP-0777"),
        ("c42", "C0042"),  # the letter code padded
        ("abc", "AbC"),  # case-insensitive
        ("12", "12"),  # the exact spelling beats a padded one
        ("012", "012"),
    ],
)
def test_resolve_customer(mixed_engine, ref: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert resolve_customer(mixed_engine, ref).external_id == expected


def test_resolve_unknown_suggests_close_ids(mixed_engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError) as err:
        resolve_customer(mixed_engine, "10")
    msg = str(err.value)
    assert "no customer matches '10'" in msg
    assert "00100" in msg and "100100" in msg
    with pytest.raises(NotFoundError, match="no customer matches 'zzz'$"):
        resolve_customer(mixed_engine, "zzz")
