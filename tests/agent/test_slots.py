"""Slot extractors: table-driven, Chinese and English."""

from __future__ import annotations

import pytest

from crm_insights.agent import slots as sx
from crm_insights.agent.templating import load_prompt

LEX = load_prompt("router")["lexicons"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户100的情况", "100"),
        ("查一下客户 00100", "00100"),
        ("客户编号C100", "C100"),
        ("100号客户买了什么", "100"),
        ("Tell me about customer 42", "42"),
        ("customer id 00042 please", "00042"),
        ("forecast C7", "C7"),
        ("what about client #9?", "9"),
        ("cust 512 info", "512"),
        ("top 10 customers by spend", None),
        ("未来13周哪些客户会流失", None),
        ("1998年的差评", None),
    ],
)
def test_customer(text: str, expected: str | None) -> None:
    assert sx.extract_customer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("前10个客户", 10),
        ("列出前五名", 5),
        ("top 5 customers", 5),
        ("the 3 riskiest accounts", 3),
        ("给我三个主题", 3),
        ("未来三个月", None),
        ("给我一个整体概况", None),
        ("客户100", None),
    ],
)
def test_top_k(text: str, expected: int | None) -> None:
    assert sx.extract_top_k(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("未来8周", 8),
        ("接下来三个月", 13),
        ("下个季度", 13),
        ("半年内", 26),
        ("next 26 weeks", 26),
        ("over the next 6 months", 26),
        ("next year", 52),
        ("30天内", 4),
        ("1998年的情况", None),
        ("客户100", None),
    ],
)
def test_horizon(text: str, expected: int | None) -> None:
    assert sx.extract_horizon_weeks(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1998年的差评", ("1998-01-01", "1998-12-31")),
        ("1997年3月的反馈", ("1997-03-01", "1997-03-31")),
        ("from 1997-01 to 1997-06", ("1997-01-01", "1997-06-30")),
        ("1997-02-01到1997-02-15", ("1997-02-01", "1997-02-15")),
        ("since March 1997", ("1997-03-01", None)),
        ("1998年之前", (None, "1997-12-31")),
        ("截至1997年6月", (None, "1997-06-30")),
        ("in 1998", ("1998-01-01", "1998-12-31")),
        ("客户100的情况", (None, None)),
    ],
)
def test_dates(text: str, expected: tuple[str | None, str | None]) -> None:
    assert sx.extract_dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户主要抱怨什么", "negative"),
        ("不满意的客户", "negative"),
        ("好评都说了什么", "positive"),
        ("show me the complaints", "negative"),
        ("positive reviews about price", "positive"),
        ("正面和负面各占多少", None),
        ("客户100的情况", None),
    ],
)
def test_sentiment(text: str, expected: str | None) -> None:
    assert sx.extract_sentiment(text, LEX["sentiment"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("高价值客户里有哪些有流失风险", "高价值"),
        ("describe segment 2", "2"),
        ("细分3的情况", "3"),
        ("第二类客户", "2"),
        ("Which of our best customers may leave?", "high value"),
        ("who are the loyal customers", "loyal"),
        ("客户100的情况", None),
    ],
)
def test_segment(text: str, expected: str | None) -> None:
    assert sx.extract_segment(text, LEX["segments"]) == expected


def test_texts_and_query() -> None:
    assert sx.extract_texts("分析这句话的情感：“物流太慢了”") == ["物流太慢了"]
    assert sx.extract_texts("这条评论是正面还是负面：质量很好，下次还买") == ["质量很好，下次还买"]
    assert sx.extract_texts('Classify "great value" and "box was broken"') == ["great value", "box was broken"]
    assert sx.extract_texts("客户100的情况") is None
    assert sx.extract_query("搜索提到物流慢的反馈") == "物流慢"
    assert sx.extract_query("Find reviews about price") == "price"
    assert sx.extract_query("客户主要抱怨什么") == "客户主要抱怨什么"  # no topic: the whole question


def test_chinese_numerals() -> None:
    assert [sx.to_int(t) for t in ("十", "十二", "二十", "两", "一百零五", "twelve", "7", "x")] == [
        10, 12, 20, 2, 105, 12, 7, None,
    ]  # fmt: skip


def test_keyword_matching_longest_first_with_regex_and_stems() -> None:
    terms = ["overview", "segment overview", "满意", "不满意", "mention", "re:主要.{0,4}(抱怨|吐槽)"]
    assert sx.has_any("Give me the segment overview", terms) == ["segment overview"]
    assert sx.has_any("客户不满意", terms) == ["不满意"]
    assert sx.has_any("reviews that mentioned refunds", terms) == ["mention"]
    assert sx.has_any("负面评论主要在吐槽什么", terms) == ["re:主要.{0,4}(抱怨|吐槽)"]
    assert sx.has_any("the overviews", terms) == []  # whole words only; no plural stemming


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What makes the dormant group different?", "dormant"),
        ("loyal 那群人啥特点", "loyal"),
        ("沉睡的那批人", "沉睡"),
        ("流失风险高的vip有哪些", "high value"),
        ("客户分群一共几类", None),  # 一共 is a word, not segment 1
        ("whats new this week", None),  # a stem needs a head noun
    ],
)
def test_segment_stems_and_heads(text: str, expected: str | None) -> None:
    assert sx.extract_segment(text, LEX["segments"], LEX["segment_heads"]) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [("save", "saved"), ("leave", "leaving"), ("purchase", "purchased"), ("slip", "slipping"), ("ship", "shipped")],
)
def test_stems_meet(a: str, b: str) -> None:
    assert sx.normalise(a) == sx.normalise(b)
    assert sx.normalise("theme") != sx.normalise("them") and sx.normalise("stuff") == sx.normalise("stuffed")
