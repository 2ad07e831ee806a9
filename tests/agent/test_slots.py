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
        ("查一下7592这个客户 买了多少次", "7592"),
        ("3049这位顾客的情况", "3049"),
        ("97年1月首购的客户3个月后还有多少在买", None),
        ("Tell me about customer 42", "42"),
        ("customer id 00042 please", "00042"),
        ("forecast C7", "C7"),
        ("what about client #9?", "9"),
        ("cust 512 info", "512"),
        ("top 10 customers by spend", None),
        ("未来13周哪些客户会流失", None),
        ("1998年的差评", None),
        # a period after the noun is no id: "active buyers H1 1998", "customers Q2", "buyers 1998 vs 1997"
        ("Active buyers H1 1998 vs H1 1997", None),
        ("how many customers Q2 vs Q1", None),
        ("buyers 1998 vs 1997", None),
        ("customer 1998 profile", "1998"),
        ("customers 100 and 200", "100"),
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


@pytest.mark.parametrize(
    ("text", "segment", "rank_by"),
    [
        # A count on the value segment's name ranks customers by spend ...
        ("给我拉前十大客户", None, "spend"),
        ("大户top 20列一下", None, "spend"),
        ("价值最高的8个客户", None, "spend"),
        ("top 15 VIPs please", None, "spend"),
        ("沉睡的那批人里前10大客户", "沉睡", "spend"),  # the stem still names a segment
        # ... but an ordinal, an article, a duration, a possessive or a count elsewhere does not.
        ("第10个大客户", "高价值", None),
        ("一个大客户投诉了物流", "高价值", None),
        ("高价值客户10个月内的流失风险", "高价值", None),
        ("高价值客户的前10个流失风险最高的是谁", "高价值", None),
        ("高价值客户里流失风险最高的前10个", "高价值", None),
        ("1998 vip customers feedback", "high value", None),
        ("top 10 dormant customers", "dormant", None),  # only a value name ranks
    ],
)
def test_a_count_on_the_value_name_ranks_customers(text: str, segment: str | None, rank_by: str | None) -> None:
    assert sx.extract_segment(text, LEX["segments"], LEX["segment_heads"]) == segment
    assert sx.extract_rank_by(text, LEX["segments"], LEX["segment_heads"]) == rank_by


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("收入占比最高的那个群具体啥特征", "revenue_share:max"),
        ("人数最少的一类客户", "size:min"),
        ("tell me about the biggest segment", "size:max"),
        ("the segment with the lowest revenue share", "revenue_share:min"),
        ("the largest customer group", "size:max"),
        ("哪个群人数最多", None),  # a question about the list
        ("which segment brings in the most revenue", None),
        ("收入最高的客户是谁", None),  # customers, not a segment
        ("这类客户里收入最高的是谁", None),
        ("biggest complaints", None),
    ],
)
def test_segment_pick(text: str, expected: str | None) -> None:
    assert sx.extract_segment_pick(text, LEX["segment_superlatives"]) == expected


def test_pick_ranked() -> None:
    assert sx.pick_ranked([0, 1, 2], [5, 40, 10], "max") == "1"
    assert sx.pick_ranked([0, 1, 2], [0.6, 0.0, 0.0], "min") == "1"  # the first of equals
    assert sx.pick_ranked([0, 1], [5], "max") is None  # lists that do not line up
    assert sx.pick_ranked(None, None, "max") is None


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("排第一的那个人详细资料给我", 1),
        ("what about the second one?", 2),
        ("#1's lifetime value?", 1),
        ("No. 2 — orders this year?", 2),
        # an id after a word or a hash with more digits is no place in a list
        ("客户#100的订单", None),
        ("订单#12345", None),
    ],
)
def test_a_place_in_the_previous_list(text: str, position: int | None) -> None:
    assert sx.extract_ordinal(text) == position


def test_numbered_texts_after_a_request_to_classify_are_the_texts() -> None:
    question = "帮我判断下这两条评论是好评还是差评 1.包装压坏了 物流也慢 不会再买了 2.音质不错 价格也实惠 下次还来"
    assert sx.extract_texts(question) == ["包装压坏了 物流也慢 不会再买了", "音质不错 价格也实惠 下次还来"]
    assert sx.extract_texts("上个月卖了 1.5 万吗") is None  # a decimal is no numbered item
    assert sx.extract_customer("22279 这客户咋回事") == "22279"
