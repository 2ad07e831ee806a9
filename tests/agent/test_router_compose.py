"""Composition through the router with the real analytics parser over the fake tools: follow-ups keep the measure
and scope they do not change, comparisons show both periods, actions mixed with questions, answer content
(cohort month, customer history, breakdown tables) and user-facing text (Markdown-escaped customer text, errors in
the user's language without internal names)."""

from __future__ import annotations

import re

import pytest
from fakes import CUSTOMERS, ORDERS

from crm_insights.agent.checks import extract_figures
from crm_insights.agent.language import user_error
from crm_insights.agent.templating import key_label, md_escape, render


def _revenue(since: str, until: str) -> float:
    return round(sum(a for _, d, a in ORDERS if since <= d <= until), 2)


def _numbers(text: str) -> set[float]:
    return {round(f.value * (100 if f.percent else 1), 2) for f in extract_figures(text)}


def _last(calls: list[tuple[str, dict]]) -> tuple[str, dict]:
    return calls[-1]


# -- follow-ups keep what they do not change ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "follow", "compare", "since", "until", "other"),
    [
        ("1997年3月销售额多少", "环比呢", "previous", "1997-03-01", "1997-03-31", ("1997-02-01", "1997-02-28")),
        (
            "1997年3月销售额多少",
            "比再前面一个月多还是少 差多少",
            "previous",
            "1997-03-01",
            "1997-03-31",
            ("1997-02-01", "1997-02-28"),
        ),
        ("1998年2月的销售额是多少", "同比呢", "year", "1998-02-01", "1998-02-28", ("1997-02-01", "1997-02-28")),
        (
            "What was revenue in February 1998?",
            "And against the same month last year?",
            "year",
            "1998-02-01",
            "1998-02-28",
            ("1997-02-01", "1997-02-28"),
        ),
    ],
)
def test_a_comparison_follow_up_keeps_the_period_and_shows_both_periods_and_the_change(
    make_session, first: str, follow: str, compare: str, since: str, until: str, other: tuple[str, str]
) -> None:
    session, calls = make_session()
    session.ask(first, thread_id="c")
    answer = session.ask(follow, thread_id="c")
    text = answer.answer
    assert not answer.warnings
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["revenue"]
    assert (args["since"], args["until"], args["compare"]) == (since, until, compare)
    now, before = _revenue(since, until), _revenue(*other)
    found = _numbers(text)
    assert {now, before, round(abs(now - before), 2)} <= found
    assert f"{(now - before) / before * 100:+.2f}%" in text
    assert "|---|---:|---:|---:|---:|" in text  # the comparison is a table with right-aligned figures


@pytest.mark.parametrize(
    ("first", "follow", "since", "until"),
    [
        ("1997年2月有多少新客户", "那3月呢？", "1997-03-01", "1997-03-31"),
        ("1998年3月的订单数", "那2月呢", "1998-02-01", "1998-02-28"),
    ],
)
def test_a_month_follow_up_without_a_year_takes_the_previous_questions_year(
    make_session, first: str, follow: str, since: str, until: str
) -> None:
    session, calls = make_session()
    session.ask(first, thread_id="m")
    measures = _last(calls)[1]["measures"]
    text = session.ask(follow, thread_id="m").answer
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == measures
    assert (args["since"], args["until"]) == (since, until)
    assert "没有写年份" not in text


@pytest.mark.parametrize(
    ("first", "follow", "grain", "rows"),
    [
        ("1997年12月有多少客户下过单", "按季度看呢", "quarter", "1997-Q1"),
        ("How many new customers did we get in February 1997?", "And by month?", "month", "1997-01"),
    ],
)
def test_a_grain_follow_up_keeps_the_measure_and_widens_a_one_row_period_to_its_year(
    make_session, first: str, follow: str, grain: str, rows: str
) -> None:
    session, calls = make_session()
    session.ask(first, thread_id="g")
    measures = _last(calls)[1]["measures"]
    text = session.ask(follow, thread_id="g").answer
    args = _last(calls)[1]
    assert args["measures"] == measures and args["grain"] == grain
    assert (args["since"], args["until"]) == ("1997-01-03", "1997-12-31")  # the year, within the data
    assert f"| {rows} |" in text and "---:|" in text


def test_a_grouping_follow_up_keeps_the_period_and_lists_every_row_in_a_table(make_session) -> None:
    session, calls = make_session()
    session.ask("1997年的销售额", thread_id="w")
    period = (_last(calls)[1]["since"], _last(calls)[1]["until"])
    text = session.ask("那按周几看呢", thread_id="w").answer
    args = _last(calls)[1]
    assert args["group_by"] == "weekday" and (args["since"], args["until"]) == period
    assert "| 星期 | 销售额 |" in text and "|---|---:|" in text
    days = {key_label(d, "weekday", "zh") for d in range(1, 8)}
    listed = [line for line in text.splitlines() if line.startswith("| 周")]
    assert listed and {line.split("|")[1].strip() for line in listed} <= days
    from datetime import date

    by_day: dict[int, float] = {}
    for _, d, a in ORDERS:
        if d.startswith("1997"):
            wd = date.fromisoformat(d).isoweekday()
            by_day[wd] = round(by_day.get(wd, 0.0) + a, 2)
    assert len(listed) == len(by_day) and set(by_day.values()) <= _numbers(text)


# -- actions next to questions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["帮我回复客户100的投诉，就说我们给他全额退款", "给客户42回复一下，告诉他下周发货"],
)
def test_an_action_with_the_words_it_should_say_calls_no_tool(make_session, question: str) -> None:
    session, calls = make_session()
    text = session.ask(question, thread_id="a").answer
    assert calls == []
    assert "不能" in text


@pytest.mark.parametrize(
    ("question", "customer"),
    [
        ("把客户42的消费金额改成500，然后告诉我他实际一共消费了多少", "00042"),
        ("1998年的销售额多少？顺便把买家名单导出来发到运营群", None),
        # the action and the figure share their clauses: the figure is read from the whole question
        ("Email the FY1998 revenue and order count to the board, and tell me the numbers here too.", None),
    ],
)
def test_a_question_next_to_an_action_is_answered_with_what_the_action_named(
    make_session, question: str, customer: str | None
) -> None:
    session, calls = make_session()
    text = session.ask(question, thread_id="b").answer
    assert calls, "the question part is answered"
    assert "不能执行操作" in text or "cannot" in text
    expected = CUSTOMERS[customer]["spend"] if customer else _revenue("1998-01-01", "1998-12-31")
    assert expected in _numbers(text)


# -- routing and answer content -----------------------------------------------------------------------------


def test_a_follow_up_to_an_analytics_answer_is_not_out_of_scope(make_session) -> None:
    session, calls = make_session()
    session.ask("1997年一周里周几销售额最高？", thread_id="f")
    first = _last(calls)[1]
    text = session.ask("最低的是周几", thread_id="f").answer
    name, args = _last(calls)
    assert name == "metric_query" and args["group_by"] == "weekday" and args["sort"] == "asc"
    assert (args["since"], args["until"]) == (first["since"], first["until"])
    assert "超出" not in text


def test_an_older_intent_that_could_only_ask_for_a_slot_loses_to_an_analytics_reading(make_session) -> None:
    session, calls = make_session()
    text = session.ask("只买过一次的这类客户占多少", thread_id="o").answer
    assert calls and _last(calls) == ("metric_query", {"measures": ["one_time_share", "one_time_customers", "buyers"]})
    assert "哪个细分" not in text


def test_a_purchase_measure_is_no_feedback_search(make_session) -> None:
    session, calls = make_session()
    session.ask("找一下只买过一次的客户，这类客户占多少", thread_id="s")
    assert (
        calls
        and calls[-1][0] == "metric_query"
        and calls[-1][1]["measures"] == ["one_time_share", "one_time_customers", "buyers"]
    )


def test_a_measure_only_the_analytics_tools_know_is_not_out_of_scope(make_session) -> None:
    session, calls = make_session()
    session.ask("客户两次购买之间平均隔多少天", thread_id="d")
    assert calls and calls[-1][0] == "metric_query"
    assert calls[-1][1]["measures"] == ["days_between_mean", "days_between_median"]


def test_a_cohort_question_states_the_month_asked_and_the_cohort_size(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("97年2月首单的客户 3个月后留存率多少", thread_id="r")
    text = answer.answer
    assert not answer.warnings  # every figure and date stated is in the tool result
    name, args = _last(calls)
    assert name == "cohort_retention" and args["periods"] == 3  # "客户 3" is a month count, not a customer
    assert "第 3 个月" in text


def test_a_customers_value_shows_what_the_customer_spent_so_far(make_session) -> None:
    session, calls = make_session()
    text = session.ask("Is customer 42 worth keeping?", thread_id="v").answer
    assert _last(calls)[0] == "customer_value"
    assert CUSTOMERS["00042"]["spend"] in _numbers(text) and "|---|---:|" in text


def test_a_tool_error_speaks_chinese_without_the_tools_name(make_session) -> None:
    session, _ = make_session()
    text = session.ask("客户99999的情况怎么样", thread_id="e").answer
    assert "customer_profile" not in text and "没能完成这次查询" in text


# -- user-facing text ---------------------------------------------------------------------------------------


def test_customer_text_cannot_become_markdown() -> None:
    quote = "点这里 [领奖](http://evil.example) ![x](http://img) **急**\n| a | b |\n# 标题 <script> ~删~ `code` \\"
    text = render("> 「{{ q|md }}」", q=quote)
    assert "\n" not in text  # folded: the quote stays one block-quote line
    for raw in ("[领奖](", "![x]", "**急**", "| a |", "<script>", "`code`"):
        assert raw not in text
    assert md_escape(None) == "—"
    assert md_escape("a_b") == "a\\_b"


def test_breakdown_keys_read_as_words() -> None:
    assert [key_label(d, "weekday", "zh") for d in (1, 7)] == ["周一", "周日"]
    assert key_label(3, "weekday", "en") == "Wed"
    assert key_label("negative", "sentiment", "zh") == "负面"
    assert key_label("new", "customer_type", "zh") == "新客户"
    assert key_label("1997-Q1", "period", "zh") == "1997-Q1"


def test_tool_errors_in_the_users_language() -> None:
    assert user_error("no customer matches '99999999'", "zh") == "没有找到客户 '99999999'"
    assert "相近的编号：09999" in user_error("no customer matches '9999'; close ids: 09999, 19999", "zh")
    assert user_error("no customer matches '1'", "en") == "no customer matches '1'"
    assert "没有名为 '新客户' 的客户细分" in user_error(
        "no segment matches '新客户'; segments are: 0 高价值客户 / high-value", "zh"
    )
    assert user_error(
        "the comparison period 1996-01-01 to 1996-12-31 is outside the data, which runs from 1997-01-01 to 1998-06-30",
        "zh",
    ) == ("对比期 1996-01-01 至 1996-12-31 不在数据范围内（数据为 1997-01-01 至 1998-06-30），无法对比")
    assert user_error("something else", "zh").endswith("something else")  # nothing the user could act on is lost


def test_a_month_follow_up_to_a_cohort_reads_the_same_cohort_at_that_month(make_session) -> None:
    session, calls = make_session()
    session.ask("1997年1月首购的客户 1个月后留存率多少", thread_id="k")
    assert _last(calls)[0] == "cohort_retention" and _last(calls)[1]["periods"] == 1
    cohort = _last(calls)[1]["since"]
    text = session.ask("到3月呢？", thread_id="k").answer
    name, args = _last(calls)
    assert name == "cohort_retention" and args["since"] == cohort and args["periods"] == 2
    assert "第 2 个月" in text


@pytest.mark.parametrize("arg", ["measures", "periods", "group_by", "share_of_all", "something_new"])
def test_a_condition_a_tool_cannot_take_is_named_in_words(arg: str) -> None:
    from crm_insights.agent.templating import load_prompt as load

    for lang in ("zh", "en"):
        text = render(load("answers")["refused_arg"][lang], arg=arg)
        assert arg not in text and text


@pytest.mark.parametrize("question", ["销售小张上季度业绩多少 排第几", "销售老王1997年3月的销售额"])
def test_a_named_salesperson_is_declined_without_the_everyone_total(make_session, question: str) -> None:
    session, calls = make_session()
    answer = session.ask(question, thread_id="s")
    assert not [name for name, _ in calls if name == "metric_query"]
    assert question[:4] in answer.answer  # names the part it cannot answer


@pytest.mark.parametrize(
    "question",
    [
        "上个月的复购率是多少？按“当月有两个及以上不同购买日”算。",
        'repeat rate last month, counted as "2+ purchase days"',
    ],
)
def test_a_quoted_definition_of_the_measure_is_no_text_to_classify(make_session, question: str) -> None:
    session, calls = make_session()
    session.ask(question, thread_id="d")
    names = [name for name, _ in calls]
    assert "analyze_sentiment" not in names
    assert _last(calls)[0] == "metric_query"
    assert _last(calls)[1]["measures"] == ["repeat_rate", "repeat_customers", "buyers"]


def test_a_quoted_search_phrase_stays_a_search(make_session) -> None:
    session, calls = make_session()
    session.ask("按“物流”搜索反馈", thread_id="d")
    assert _last(calls)[0] == "search_feedback"


@pytest.mark.parametrize(("switch", "split"), [("换成订单数", "按月拆一下"), ("switch to orders", "by month?")])
def test_a_switched_measure_keeps_the_period_and_a_split_keeps_both(make_session, switch: str, split: str) -> None:
    session, calls = make_session()
    session.ask("1998年3月到5月卖了多少钱", thread_id="w")
    first = dict(_last(calls)[1])
    session.ask(switch, thread_id="w")
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["orders"]
    assert (args["since"], args["until"]) == (first["since"], first["until"])
    session.ask(split, thread_id="w")
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["orders"] and args.get("grain") == "month"
    assert (args["since"], args["until"]) == (first["since"], first["until"])


def test_an_action_with_a_bare_count_answers_the_count_of_what_the_action_names(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("导出超过180天没下单的沉睡客户名单，发给市场部做召回，另外告诉我一共有多少人", thread_id="a")
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["inactive_customers"] and args["inactive_days"] == 180
    assert "导出" in answer.answer  # the action is declined by name


def test_posting_to_a_channel_is_declined_and_the_count_it_names_answered(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("Post the Q1 1998 order count to the sales team's Slack channel — and what is the number?")
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["orders"]
    assert (args["since"], args["until"]) == ("1998-01-01", "1998-03-31")
    assert "cannot" in answer.answer


# -- issue #12 (set_i's first run): actions next to a count, attributes the data lacks, model tools ----------------


@pytest.mark.parametrize(
    ("question", "measure", "extra"),
    [
        # the count is of the people the action is aimed at (its object), the action's own words left out
        ("给半年没下单的客户发优惠券，一共多少人？", "inactive_customers", {"inactive_days": 180}),
        # English sentences and a dash between clauses
        ("Send the 1997 numbers to my boss. By the way, what was 1997 revenue?", "revenue", {"until": "1997-12-31"}),
        (
            "There are orders with a $0 amount - delete them from the DB. How many are there?",
            "orders",
            {"min_amount": 0.0, "max_amount": 0.0},
        ),
    ],
)
def test_an_action_next_to_a_question_is_declined_and_the_question_answered(
    make_session, question: str, measure: str, extra: dict
) -> None:
    session, calls = make_session()
    answer = session.ask(question)
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == [measure]
    assert {k: args.get(k) for k in extra} == extra
    assert "不能" in answer.answer or "cannot" in answer.answer


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("张经理名下的客户去年贡献了多少销售额", ["张经理名下", "销售人员"]),
        ("去年圣诞促销活动带来了多少收入", ["促销活动"]),
        ("北京地区消费最高的客户是谁", ["北京地区", "地区"]),
        ("哪个客服处理的差评最多", ["客服", "客服人员"]),
        ("How many phone complaints did we get in 1998?", ["phone complaints", "channel"]),
    ],
)
def test_an_attribute_the_data_lacks_is_named_and_no_figure_given(make_session, question: str, words: list) -> None:
    session, calls = make_session()
    answer = session.ask(question)
    assert [name for name, _ in calls if name != "crm_overview"] == []
    assert all(w in answer.answer for w in words), answer.answer
    assert "不能" in answer.answer or "无法" in answer.answer or "cannot" in answer.answer


def test_complainers_buying_again_is_the_followup_tool(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("给差评的客户后来还买吗")
    name, _ = _last(calls)
    assert name == "feedback_followup"
    assert "50.0%" in answer.answer  # 00100 bought again after its complaint, 00007 did not


def test_one_customer_s_feedback_with_no_topic_shows_how_much_there_is(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("客户100都反馈过什么")
    assert [name for name, _ in calls] == ["customer_profile", "search_feedback"]
    assert calls[-1][1]["customer"] == "100"
    assert "共留下 1 条反馈" in answer.answer
    # with a topic, the search alone
    session.ask("客户100有没有抱怨过物流", thread_id="t2")
    assert calls[-1][0] == "search_feedback" and calls[-2][0] != "customer_profile"


def test_an_ordinal_after_a_ranking_picks_the_customer_and_a_pronoun_keeps_them(make_session) -> None:
    session, calls = make_session()
    session.ask("1997年消费前3的客户", thread_id="r")
    top = max(CUSTOMERS, key=lambda c: sum(a for cid, d, a in ORDERS if cid == c and d < "1998"))
    session.ask("第一名那个1998年花了多少", thread_id="r")
    name, args = _last(calls)
    assert name == "metric_query" and args["customers"] == [top] and args["since"] == "1998-01-01"
    session.ask("他会不会流失", thread_id="r")
    assert _last(calls) == ("forecast_customer", {"customer": top})


@pytest.mark.parametrize("question", ["下个季度大概会有多少人来买？", "下个月会有多少客户来买"])
def test_how_many_will_come_to_buy_is_a_forecast(make_session, question: str) -> None:
    session, calls = make_session()
    session.ask(question)
    assert _last(calls)[0] == "forecast_totals"


def test_an_unknown_customer_s_feedback_is_said_by_the_search_not_stopped_by_the_profile(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("客户99999都反馈过什么")
    assert [name for name, _ in calls] == ["customer_profile", "search_feedback"]
    assert "99999" in answer.answer


# -- follow-ups of outside set k (session 6) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "follow", "expected"),
    [
        # a new threshold of inactivity
        ("90天没买过的客户有多少个啊", "180天的呢？", {"inactive_days": 180}),
        ("有多少客户超过半年没买了", "一年以上的呢", {"inactive_days": 365}),
        # a longer ranking of the same customers
        ("5月GMV前10的客户和占比", "换成TOP20", {"limit": 20}),
        # a moved amount bound replaces the previous one
        ("今年超过100刀的单子有多少 占比呢", "超200的呢", {"min_amount": 200.0}),
        ("How many orders under $20 in Q4 1997?", "and over $100?", {"min_amount": 100.0, "max_amount": None}),
        # the weekday row of a weekday ranking, with the measures (and shares) of the first question
        (
            "1997年周几销售额最高？占比多少",
            "and the weakest day?",
            {"group_by": "weekday", "sort": "asc", "grain": None},
        ),
        # the previous period stays the base, compared with the one named
        ("Q1 1998 revenue?", "And QoQ vs Q4 97?", {"since": "1998-01-01", "compare_since": "1997-10-01"}),
        ("Top 10 customers by revenue in 1997, what share of 1997 revenue?", "And the top 100?", {"limit": 100}),
        # a new measure over the previous question's scope, comparison included
        ("5月GMV多少 MoM涨还是跌", "AOV呢", {"measures": ["aov"], "since": "1998-05-01", "compare": "previous"}),
        # "那天" after a weekday ranking is that weekday's row, not a daily grain
        ("今年周几卖得最好", "那单量占比呢 也是那天最高吗", {"measures": ["orders_share"], "group_by": "weekday"}),
        # another first-purchase month, in the previous cohort's year, as many months on / at the month named
        (
            "97年1月那批cohort，次月retention和3个月后的retention分别多少",
            "2月cohort呢",
            {"since": "1997-02-01", "periods": 3},
        ),
        (
            "97年1月首单的那批客户，4月还有回来买的比例是多少",
            "那2月那批 5月的呢",
            {"since": "1997-02-01", "periods": 3},
        ),
    ],
)
def test_follow_ups_change_only_what_they_name(make_session, first: str, follow: str, expected: dict) -> None:
    session, calls = make_session()
    session.ask(first, thread_id="k")
    before = dict(_last(calls)[1])
    session.ask(follow, thread_id="k")
    name, args = _last(calls)
    for key, value in expected.items():
        assert args.get(key) == value, (key, args)
    kept = {k: v for k, v in before.items() if k not in expected and k not in ("measures", "grain", "limit", "sort")}
    if name == "metric_query" and "measures" in expected:
        assert {k: args.get(k) for k in kept} == kept  # the rest of the previous question's scope stays


def test_a_total_asked_next_to_a_split_the_data_cannot_make(make_session) -> None:
    session, calls = make_session()
    text = session.ask("1997年营收多少 按品类拆一下", thread_id="s").answer
    assert calls and _last(calls)[0] == "metric_query"
    assert "按品类" in text and "无法" in text  # the split is declined by name
    assert _revenue("1997-01-01", "1997-12-31") in _numbers(text)  # the total asked is answered
    # only the split asked: declined by name, the unsplit total given and said to be one (the partial answer the
    # writers' brief asks for)
    session2, calls2 = make_session()
    split_only = session2.ask("按品类拆一下1997年的营收", thread_id="t").answer
    assert _last(calls2)[0] == "metric_query"
    assert "按品类" in split_only and "无法" in split_only and "不拆分" in split_only
    assert _revenue("1997-01-01", "1997-12-31") in _numbers(split_only)
    # a split the router's lexicon names ("女会员和男会员…分别"): the same
    session4, calls4 = make_session()
    by_gender = session4.ask("1997年女会员和男会员的营收分别是多少？", thread_id="v").answer
    assert _last(calls4)[0] == "metric_query" and "不拆分" in by_gender
    assert _revenue("1997-01-01", "1997-12-31") in _numbers(by_gender)
    # a missing attribute that filters the measure: no figure for everyone instead
    session3, calls3 = make_session()
    filtered = session3.ask("去年摇滚类CD的销售额是多少", thread_id="u").answer
    assert _revenue("1997-01-01", "1997-12-31") not in _numbers(filtered)


@pytest.mark.parametrize(
    ("question", "part"),
    [
        # a measure the data does not record, alone: said so, and no other figure is given
        ("What's our refund rate for 1997?", "refund"),
        ("金卡银卡普卡会员各多少人", "金卡"),
        # posting to a chat group is an action
        ("好 帮我把这个数同步到钉钉群里", ""),
        # changing records is an action
        ("6月没下单的老客户 全部标记成流失 帮我改下状态", ""),
    ],
)
def test_unanswerable_measures_and_group_posts_give_no_figure(make_session, question: str, part: str) -> None:
    session, calls = make_session()
    text = session.ask(question, thread_id="u").answer
    assert not any(name == "metric_query" for name, _ in calls)
    assert part in text and ("无法" in text or "cannot" in text or "不能" in text)


def test_why_after_a_comparison_splits_it_and_says_causes_are_not_recorded(make_session) -> None:
    session, calls = make_session()
    session.ask("1998年上半年营收多少？跟去年同期比咋样", thread_id="w")
    before = dict(_last(calls)[1])
    text = session.ask("为啥掉这么多？", thread_id="w").answer
    name, args = _last(calls)
    assert name == "metric_query"
    assert args["measures"][: len(before["measures"])] == before["measures"]
    assert {"buyers", "orders", "aov"} <= set(args["measures"])
    assert {k: args.get(k) for k in ("since", "until", "compare")} == {
        k: before.get(k) for k in ("since", "until", "compare")
    }
    assert "无法直接回答" in text


def test_another_cohort_month_the_same_months_on(make_session) -> None:
    session, calls = make_session()
    session.ask("97年1月首单那批客户，首单后第3个月(4月)还有多少在买", thread_id="n")
    assert _last(calls)[1].get("periods") == 3
    session.ask("2月那批同样看第3个月", thread_id="n")
    name, args = _last(calls)
    assert (name, args["until"], args.get("periods")) == ("cohort_retention", "1997-02-28", 3)


def test_a_cohort_followed_further_keeps_the_cohort(make_session) -> None:
    session, calls = make_session()
    session.ask("97年1月首购的客户3个月后还有多少在买", thread_id="c")
    assert _last(calls)[1].get("periods") == 3
    session.ask("6个月后、12个月后呢", thread_id="c")
    name, args = _last(calls)
    assert name == "cohort_retention" and args["until"] == "1997-01-31"
    assert args.get("periods", 12) >= 12  # the tool's default follows 12 months


def test_a_follow_up_naming_an_earlier_period_compares_the_threads_period_with_it(make_session) -> None:
    session, calls = make_session()
    session.ask("1998年上半年销售额多少", thread_id="v")
    session.ask("跟97年上半年比，销售额同比降了多少？", thread_id="v")
    name, args = _last(calls)
    assert name == "metric_query"
    assert (args["since"], args["compare_until"]) == ("1998-01-01", "1997-06-30")  # the fake data start 1997-01-03
    assert args["compare_since"] <= "1997-01-03"


def test_a_customer_picked_from_a_ranking_is_named_in_the_answer(make_session) -> None:
    session, calls = make_session()
    session.ask("1997年消费TOP3的客户", thread_id="p")
    ranked = _last(calls)
    text = session.ask("第一名是哪个客户？他97年买了多少钱", thread_id="p").answer
    name, args = _last(calls)
    assert name == "metric_query" and args.get("customers") and len(args["customers"]) == 1
    assert ranked[0] == "metric_query" and args["customers"][0] in text


# -- session 7: follow-ups and words from the d1/d2 dev sets ------------------------------------------------------


def test_a_measure_named_alone_after_a_comparison_keeps_the_comparison(make_session) -> None:
    session, calls = make_session()
    session.ask("今年比去年好吗", thread_id="yoy")
    name, first = _last(calls)
    assert name == "metric_query" and first["measures"] == ["revenue"]
    # the base year ends with the data: the other year is read over the same months
    assert first["compare_until"][5:] == first["until"][5:] and first["compare_since"][:4] < first["since"][:4]
    session.ask("客户数呢", thread_id="yoy")
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["buyers"]
    assert {k: args.get(k) for k in ("since", "until", "compare_since", "compare_until")} == {
        k: first.get(k) for k in ("since", "until", "compare_since", "compare_until")
    }


def test_a_cohort_follow_up_reads_half_a_year_on(make_session) -> None:
    session, calls = make_session()
    session.ask("97年1月进来的那批客户，3个月后还有多少人在买？", thread_id="coh")
    name, args = _last(calls)
    assert (name, args["since"][:7], args["until"], args["periods"]) == ("cohort_retention", "1997-01", "1997-01-31", 3)
    session.ask("半年后呢", thread_id="coh")
    assert (_last(calls)[1]["since"][:7], _last(calls)[1]["periods"]) == ("1997-01", 6)
    session.ask("2月那批半年后呢", thread_id="coh")
    assert (_last(calls)[1]["since"], _last(calls)[1]["periods"]) == ("1997-02-01", 6)


def test_a_forecast_in_plain_words_and_a_question_about_its_accuracy(make_session) -> None:
    session, calls = make_session()
    session.ask("下个季度能卖多少", thread_id="fc")
    assert _last(calls)[0] == "forecast_totals"
    session.ask("你这个预测准不准", thread_id="fc")
    assert _last(calls)[0] == "assistant_status"


def test_traditional_chinese_and_cantonese_are_read(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("97年有幾多個月 orders 多過 2500？", thread_id="hk")
    name, args = _last(calls)
    assert name == "metric_query" and args["having"] == ">2500" and args["grain"] == "month"
    assert "多少" not in answer.answer  # answered, not echoed in Mandarin


@pytest.mark.parametrize(
    "question",
    [
        "给半年没来买的客户群发个短信召回一下 大概有多少人",
        "Push a 15% win-back coupon to every customer who's been inactive 180+ days, and tell me how many that is.",
    ],
)
def test_an_action_with_a_count_declines_the_action_and_answers_the_count(make_session, question: str) -> None:
    session, calls = make_session()
    answer = session.ask(question, thread_id="act")
    name, args = _last(calls)
    assert name == "metric_query" and args["inactive_days"] == 180 and "inactive_customers" in args["measures"]
    assert re.search(r"不能|cannot", answer.answer)


def test_a_period_outside_the_data_is_said_plainly(make_session) -> None:
    session, _ = make_session()
    text = session.ask("1998年7月的销售额是多少？", thread_id="out").answer
    assert text.startswith("无法回答") and "不在数据范围内" in text and "1998-07-01" in text
    text = session.ask("revenue in December 1996?", thread_id="out2").answer
    assert text.startswith("I cannot answer") and "outside the data" in text


def test_customers_over_a_spend_bound_then_a_new_bound_then_who_they_are(make_session) -> None:
    session, calls = make_session()
    session.ask("累计消费超1w的客户有几个", thread_id="sp")
    assert _last(calls)[1]["min_customer_spend"] == 10000.0
    session.ask("5k以上呢", thread_id="sp")
    assert _last(calls)[1]["min_customer_spend"] == 5000.0 and _last(calls)[1]["measures"] == ["buyers"]
    session.ask("都是谁 各花了多少", thread_id="sp")
    name, args = _last(calls)
    assert (name, args["group_by"], args["min_customer_spend"], args["measures"]) == (
        "metric_query",
        "customer",
        5000.0,
        ["revenue"],
    )


def test_two_cohorts_compared_at_the_same_month_on(make_session) -> None:
    session, calls = make_session()
    session.ask("97年1月那批新客的cohort retention拉一下，M3还有多少比例在回购？", thread_id="m")
    assert _last(calls)[1]["periods"] == 3
    session.ask("3月那批的M1跟1月的M1比差多少？", thread_id="m")
    name, args = _last(calls)
    assert (name, args["since"][:7], args["until"], args["periods"]) == ("cohort_retention", "1997-01", "1997-03-31", 1)


def test_strictly_more_than_n_days_moves_the_threshold_by_one(make_session) -> None:
    session, calls = make_session()
    session.ask("最近90天没有下单的客户有多少？你是以哪天为基准算的？", thread_id="st")
    assert _last(calls)[1]["inactive_days"] == 90 and "grain" not in _last(calls)[1]
    session.ask("如果严格要求超过90天（正好90天的不算）呢？", thread_id="st")
    assert _last(calls)[1]["inactive_days"] == 91


def test_contact_details_are_declined_and_the_figure_beside_them_answered(make_session) -> None:
    session, calls = make_session()
    text = session.ask("C100电话多少 我打过去问问 顺便看下他今年买了多少钱", thread_id="ph").answer
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["revenue"] and args["customers"]
    assert "联系方式" in text and "无法提供" in text


def test_these_big_orders_counted_by_customer_keep_the_amount_bound(make_session) -> None:
    session, calls = make_session()
    session.ask("今年上半年100块以上的大单有多少单", thread_id="big")
    assert _last(calls)[1]["min_amount"] == 100.0
    session.ask("这些大单是多少个客户下的", thread_id="big")
    name, args = _last(calls)
    assert (name, args["measures"], args["min_amount"]) == ("metric_query", ["buyers"], 100.0)


def test_the_revenue_share_of_customers_over_a_spend_bound(make_session) -> None:
    session, calls = make_session()
    session.ask("How many customers have spent over $1,000 lifetime?", thread_id="sh")
    session.ask("and what share of total revenue is that?", thread_id="sh")
    name, args = _last(calls)
    assert (name, args["measures"], args["min_customer_spend"]) == ("metric_query", ["revenue"], 1000.0)


def test_the_same_breakdown_a_year_earlier(make_session) -> None:
    session, calls = make_session()
    session.ask("排班用，近3个月周几订单最多？周几最少", thread_id="wd")
    first = _last(calls)[1]
    session.ask("去年同期也是周五最忙吗", thread_id="wd")
    name, args = _last(calls)
    assert name == "metric_query" and args["group_by"] == "weekday" and "compare" not in args
    assert (args["since"][:4], args["since"][5:]) == (str(int(first["since"][:4]) - 1), first["since"][5:])


def test_a_spend_bound_within_the_inactive_group_counts_that_group(make_session) -> None:
    session, calls = make_session()
    session.ask("一年以上没来买的有多少", thread_id="in")
    session.ask("这里面以前挺能花的、累计花了500刀以上的有几个", thread_id="in")
    name, args = _last(calls)
    # the inactive customers stay the group and the spend bound narrows it; never min_customer_spend alone
    assert name == "metric_query" and args["inactive_days"] == 365 and args["min_customer_spend"] == 500
    assert args["measures"] == ["buyers"]
    session.ask("这批人今年还有多少在买", thread_id="in")
    args = _last(calls)[1]
    assert args["measures"] == ["buyers"]
    assert args["inactive_days"] == 365 and args["min_customer_spend"] == 500
    session.ask("那高价值客户里现在有流失风险的有哪些人", thread_id="in")
    assert _last(calls)[0] == "at_risk_customers"


def test_the_same_comparison_for_a_new_measure_in_chinese(make_session) -> None:
    session, calls = make_session()
    session.ask("97上半年和98上半年GMV分别多少", thread_id="cmp")
    first = _last(calls)[1]
    session.ask("客单价呢 同样两段比一下", thread_id="cmp")
    args = _last(calls)[1]
    assert args["measures"] == ["aov"] and args["compare_since"] == first["compare_since"]


def test_they_after_the_customer_count_are_all_customers_not_the_listed_top_spenders(make_session) -> None:
    session, calls = make_session()
    session.ask("我们一共有多少客户啊", thread_id="all")
    session.ask("那他们总共买了多少钱的东西？", thread_id="all")
    name, args = _last(calls)
    assert "customers" not in args


def test_the_same_months_a_year_earlier_after_a_monthly_trend(make_session) -> None:
    session, calls = make_session()
    session.ask("1998年4到6月每个月的购买客户数", thread_id="ly")
    first = _last(calls)[1]
    session.ask("去年同期那3个月呢", thread_id="ly")
    args = _last(calls)[1]
    assert args["grain"] == first["grain"] == "month" and args["since"] == "1997-04-01" and "compare" not in args


def test_a_booking_to_correct_is_a_change_of_data_not_revenue(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("Customer 00042's order on 2 Jan 1997 was booked wrong, please set it to $0", thread_id="fix")
    assert not calls and re.search(r"cannot", answer.answer)


@pytest.mark.parametrize(
    ("first", "follow"),
    [
        ("AOV last 3 mos?", "vs same 3 mos last yr"),
        ("orders last week vs the week before?", "revenue for those same two weeks?"),
    ],
)
def test_an_english_follow_up_keeps_or_adds_the_comparison(make_session, first: str, follow: str) -> None:
    session, calls = make_session()
    session.ask(first, thread_id="en")
    base = _last(calls)[1]
    session.ask(follow, thread_id="en")
    args = _last(calls)[1]
    assert (args["since"], args["until"]) == (base["since"], base["until"]) and args.get("compare") in (
        "year",
        "previous",
    )


def test_last_year_after_a_month_is_that_month_a_year_earlier(make_session) -> None:
    session, calls = make_session()
    session.ask("1998年3月营收多少", thread_id="m")
    session.ask("那去年呢？", thread_id="m")
    args = _last(calls)[1]
    assert (args["since"], args["until"]) == ("1997-03-01", "1997-03-31")
    session2, calls2 = make_session()
    session2.ask("1998年营收多少", thread_id="y")
    session2.ask("那去年呢", thread_id="y")
    args = _last(calls2)[1]
    assert args["since"] == "1997-01-01" and args["until"] != "1997-03-31"  # after a year, no single month


def test_of_those_keeps_the_inactive_group_and_asks_no_days(make_session) -> None:
    session, calls = make_session()
    session.ask("How many customers haven't ordered in 365+ days?", thread_id="w")
    answer = session.ask("How many of those lapsed folks were repeat buyers (2+ purchase days)?", thread_id="w")
    name, args = _last(calls)
    assert name == "metric_query" and args["inactive_days"] == 365 and args["min_purchases"] == 2
    assert "how long" not in answer.answer.lower()


def test_further_thresholds_in_one_question_are_answered_each(make_session) -> None:
    # "90天没下单的会员多少人？180天、365天的呢": one call per threshold, each answered in turn
    session, calls = make_session()
    answer = session.ask("90天没下单的会员多少人？180天、365天的呢", thread_id="t")
    asked = [a["inactive_days"] for name, a in calls if name == "metric_query"]
    assert asked == [90, 180, 365]
    assert answer.answer.count("---") == 2 and not answer.warnings
    # a range is one group, not two thresholds
    session.ask("90到180天没买的有多少", thread_id="r")
    assert len([1 for name, _ in calls if name == "metric_query"]) == 4


def test_both_comparisons_in_one_question_show_both(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("1998年Q2营收环比和同比分别是多少", thread_id="b")
    name, args = _last(calls)
    assert name == "metric_query" and args["compare"] == "both"
    assert "环比" in answer.answer and "同比" in answer.answer
    others = re.findall(r"对比期 (\d{4}-\d\d-\d\d) 至 (\d{4}-\d\d-\d\d)", answer.answer)
    assert len(others) == 2 and others[1][0] == "1997-04-01"  # the previous period, then a year earlier
    assert {_revenue(a, b) for a, b in others} <= _numbers(answer.answer)


def test_a_cohort_month_with_no_year_and_no_cohort_then_is_read_a_year_earlier(make_session) -> None:
    # the tiny store's latest January has no first orders; its first-purchase cohorts are 1997's
    session, calls = make_session()
    answer = session.ask("1月首购的那批客户，2月回购率多少", thread_id="c")
    cohorts = [a for name, a in calls if name == "cohort_retention"]
    assert [(a["since"], a["periods"]) for a in cohorts] == [("1998-01-01", 1), ("1997-01-01", 1)]
    assert "1997" in answer.answer and "1997-01" in answer.answer
    # a follow-up keeps the cohort it settled on: one call
    session.ask("到12月呢？", thread_id="c")
    assert [(a["since"], a["periods"]) for name, a in calls[len(cohorts) + 1 :] if name == "cohort_retention"] == [
        ("1997-01-01", 11)
    ]


def test_the_share_of_customers_listed_before_is_asked_of_everyone(make_session) -> None:
    session, calls = make_session()
    session.ask("Who are our top 2 customers by revenue in 1997?", thread_id="s")
    listed = _last(calls)[1]
    assert listed.get("group_by") == "customer"
    session.ask("What share of 1997 revenue do those two make up together?", thread_id="s")
    name, args = _last(calls)
    # their revenue, compared with everyone's by the tool: never a row share of their own total (always 100%)
    assert name == "metric_query" and args["measures"] == ["revenue"] and len(args["customers"]) == 2
    session.ask("他们一共花了多少", thread_id="s")
    name, args = _last(calls)
    assert name == "metric_query" and args["customers"] and len(args["customers"]) == 2


def test_one_customers_figure_makes_them_the_thread_customer(make_session) -> None:
    session, calls = make_session()
    session.ask("客户00042在1997年买了多少钱", thread_id="p")
    assert _last(calls)[1].get("customers") == ["00042"]
    session.ask("他接下来流失风险高不高？", thread_id="p")
    assert _last(calls) == ("forecast_customer", {"customer": "00042"}) or (
        _last(calls)[0] == "forecast_customer" and _last(calls)[1]["customer"] == "00042"
    )
    session.ask("他算哪一类客户", thread_id="p")
    assert _last(calls)[0] == "explain_customer_segment" and _last(calls)[1]["customer"] == "00042"


def test_a_place_in_a_ranking_gets_that_customers_lifetime_value(make_session) -> None:
    session, calls = make_session()
    session.ask("top 2 customers by revenue in 1997?", thread_id="v")
    first = _last(calls)
    assert first[1].get("group_by") == "customer"
    session.ask("#1's lifetime value?", thread_id="v")
    name, args = _last(calls)
    assert name == "customer_value" and args.get("customer")


@pytest.mark.parametrize("question", ["首单到第二单一般隔多久", "客户一般多久回购一次"])
def test_how_long_is_a_question(make_session, question: str) -> None:
    # 多久 asks a figure like 多少天: the gap measures, never "out of scope"
    session, calls = make_session()
    session.ask(question, thread_id="g")
    assert calls and calls[-1][0] == "metric_query"
    assert any(m.startswith("days_") for m in calls[-1][1]["measures"])


def test_a_row_test_is_not_carried_to_a_single_period(make_session) -> None:
    session, calls = make_session()
    session.ask("1997年每个月销售额超过100的月份有哪几个？", thread_id="h")
    assert _last(calls)[1].get("having")
    session.ask("12月环比11月下降了多少？", thread_id="h")
    name, args = _last(calls)
    assert name == "metric_query" and "having" not in args and "grain" not in args


@pytest.mark.parametrize("follow", ["占全部客户的比例呢？", "as a % of everyone we ever acquired?"])
def test_a_share_of_all_customers_after_a_count_of_buyers(make_session, follow: str) -> None:
    session, calls = make_session()
    session.ask("1998年上半年下过单的客户有多少", thread_id="a")
    first = _last(calls)[1]
    session.ask(follow, thread_id="a")
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["buyers"]
    assert (args["since"], args["until"]) == (first["since"], first["until"])


def test_a_cohort_follow_up_answers_each_month_it_names(make_session) -> None:
    session, calls = make_session()
    session.ask("97年1月那批cohort，次月retention和3个月后的retention分别多少", thread_id="k")
    answer = session.ask("6个月后、12个月后呢", thread_id="k")
    assert _last(calls)[1].get("periods", 12) == 12  # the default is left out
    assert "第 6 个月" in answer.answer and "第 12 个月" in answer.answer
    assert "第 1 个月" not in answer.answer  # the months asked now, not the previous turn's


def test_a_follow_up_about_one_customers_doings_names_nobody_but_means_them(make_session) -> None:
    session, calls = make_session()
    session.ask("查下客户00042 买过几次 一共花了多少", thread_id="i")
    assert _last(calls) == ("customer_profile", {"customer": "00042"})
    session.ask("最近一次啥时候买的 离现在几天了", thread_id="i")
    assert _last(calls) == ("customer_profile", {"customer": "00042"})
    session.ask("他下个月还会买吗", thread_id="i")
    assert _last(calls)[0] == "forecast_customer" and _last(calls)[1]["customer"] == "00042"


def test_a_phone_call_is_how_a_customer_got_in_touch_not_a_channel(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("客户00042今天打电话投诉，先帮我看下他的情况：一共下过几单、消费多少、最近一次什么时候买的？")
    assert _last(calls) == ("customer_profile", {"customer": "00042"})
    assert "渠道" not in answer.answer
    session.ask("电话投诉和在线投诉各多少", thread_id="c")  # a split by channel is still declined
    assert not [c for c in calls[1:] if c[0] in ("metric_query", "search_feedback")]


@pytest.mark.parametrize(
    "question",
    [
        "销售额环比5月、同比去年6月分别是涨还是跌？幅度多少？",
        "董事会pack要放：98年Q2营收多少，环比Q1、同比97年Q2各变动多少？",
    ],
)
def test_both_comparisons_against_named_periods(make_session, question: str) -> None:
    session, calls = make_session()
    session.ask(question, thread_id="n")
    name, args = _last(calls)
    assert name == "metric_query" and args["compare"] == "both"
    # the base is the period after the one named after 环比 / a year after the one named after 同比
    assert args["since"] in ("1998-04-01", "1998-06-01")


def test_these_people_beside_an_action_are_the_actions_group(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("幫我把去年消費超過1000塊的客人都標成VIP，另外這些人有幾位？", thread_id="v")
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["buyers"]
    assert args["min_customer_spend"] == 1000.0 and args["until"] == "1997-12-31"  # the fake data starts 01-03
    assert "不能" in answer.answer  # the tagging is declined


def test_a_customers_unrecorded_city_is_declined_and_the_rest_answered(make_session) -> None:
    session, calls = make_session()
    text = session.ask("客户100是哪个城市的？一共在我们这买了多少钱", thread_id="c").answer
    assert [name for name, _ in calls] == ["customer_profile"]
    assert "城市" in text and "无法提供" in text  # the city is declined by name
    from fakes import CUSTOMERS

    assert f"{CUSTOMERS['00100']['spend']:,.2f}" in text  # the customer's spend


def test_sentiment_by_segment_is_a_table_of_the_segments(make_session) -> None:
    # the tool's by_segment rows (the fakes mirror the tool's keys) render as one row per segment
    session, calls = make_session()
    text = session.ask("按客户分层看，哪一层的差评比例最高？", thread_id="s").answer
    assert calls[-1] == ("sentiment_summary", {"group_by": "segment"})
    assert "各细分的反馈情感" in text and "高价值客户" in text and "低价值客户" in text


def test_a_forecast_past_the_data_read_against_its_range_calls_the_forecast(make_session) -> None:
    # the first analytics question of a thread is read again once the data's range is known; a quarter past its
    # end with a forecast word is then a forecast, answered by the forecast plan
    session, calls = make_session()
    session.ask("预测一下98年Q3整体的购买人数、订单和营收", thread_id="f")
    assert [name for name, _ in calls] == ["crm_overview", "forecast_totals"]
    # the fakes' orders end before June 30: from their end to the end of Q3, in weeks
    assert set(calls[-1][1]) == {"horizon_weeks"} and calls[-1][1]["horizon_weeks"] >= 14


def test_an_attribute_the_data_lacks_in_its_own_clause_leaves_the_other_clause_answered(make_session) -> None:
    session, calls = make_session()
    text = session.ask("香港區佔咗幾多？另外上個月全公司有幾多個客幫襯過？", thread_id="hk").answer
    name, args = _last(calls)
    assert name == "metric_query" and args["measures"] == ["buyers"] and args["since"].endswith("-01")  # last month
    assert "香港" in text and "无法" in text  # the region part declined by name (as a split the data cannot make)


def test_segments_asked_after_an_analytics_answer_are_the_segment_list(make_session) -> None:
    session, calls = make_session()
    session.ask("top 10% 嘅客貢獻咗幾多 % 嘅 revenue？", thread_id="sg")
    session.ask("我哋啲 customer segment 點分？每個 segment 有幾多人？", thread_id="sg")
    assert _last(calls)[0] == "list_segments"


def test_a_period_read_against_the_placeholder_range_is_read_again_before_declining(make_session) -> None:
    # Before the data's range is known, "H1 last year" beside "the H1 total" reads as a third period; read again
    # against the real range it is the comparison asked: only the state split is declined
    session, calls = make_session()
    text = session.ask(
        "Can you break H1 1998 revenue down by state? If you can't, at least give me the H1 total against H1 "
        "last year.",
        thread_id="h1",
    ).answer
    name, args = _last(calls)
    # the fakes' orders end on 1998-05-20: H1 1998 is read up to there, against H1 1997
    assert (name, args["since"], str(args.get("compare_since"))[:7]) == ("metric_query", "1998-01-01", "1997-01")
    assert "by state" in text and "H1 last year" not in text.split("\n\n")[0]


def test_a_target_the_user_gives_is_stated_against_the_figure(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("The full-year budget is $1.2M. What % of it did H1 1998 deliver?", thread_id="tg")
    revenue = answer.tool_calls[-1].result["data"]["total"]["revenue"]
    assert f"{revenue / 1_200_000:.2%}" in answer.answer and "Against the target you gave" in answer.answer


def test_where_one_customers_spend_ranks_is_the_profiles(make_session) -> None:
    session, calls = make_session()
    session.ask("客户00100今年买了多少钱", thread_id="rk")
    text = session.ask("他的总消费在所有客户里排第几？", thread_id="rk").answer
    assert _last(calls) == ("customer_profile", {"customer": "00100", "spend_rank": True})
    assert "排第 **1**" in text  # 00100 is the fakes' biggest spender


def test_a_customers_period_figure_beside_their_last_purchase(make_session) -> None:
    # "C3049 最近一次下单是几天前？今年在我们这买了多少钱": the period's spend, then the last purchase from the profile
    session, calls = make_session()
    text = session.ask("客户00042最近一次下单是几天前？97年在我们这买了多少钱", thread_id="rc").answer
    names = [name for name, _ in calls]
    assert names[-2:] == ["metric_query", "customer_profile"]
    assert "最近一次购买：**1997-11-02**" in text
