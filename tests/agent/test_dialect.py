from __future__ import annotations

import pytest

from crm_insights.agent.dialect import space_latin, to_mandarin


@pytest.mark.parametrize(
    ("text", "mandarin"),
    [
        ("97年有幾多個月 orders 多過 2500？", "97年有多少个月 orders 超过 2500？"),
        ("1998年呢？邊個月？", "1998年呢？哪个月？"),
        ("最後一次買係幾多日之前？", "最后一次买是多少天之前？"),
        ("佢churn risk高唔高？", "他churn risk高不高？"),
        ("高價值嗰個segment describe下", "高价值那个segment describe一下"),
        # Mandarin and English stay as they are; 下 stays where it means next / to place
        ("下个月下单的客户有多少", "下个月下单的客户有多少"),
        ("top 5 customers by revenue", "top 5 customers by revenue"),
    ],
)
def test_reads_traditional_and_cantonese_as_mandarin(text: str, mandarin: str) -> None:
    assert to_mandarin(text) == mandarin


def test_quoted_text_stays_as_written() -> None:
    text = "分析这句话：「冇問題，好滿意」"
    at = text.index("「")
    assert to_mandarin(text, [(at, len(text))]) == text


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("6月业积多少", "6月业绩多少"),
        ("同必呢", "同比呢"),
        ("最近仨月客单家多少", "最近三个月客单价多少"),
        ("今年复够率多少", "今年复购率多少"),
        ("导个excel发我油箱", "导个excel发我邮箱"),
    ],
)
def test_pinyin_homophone_typos_are_read_as_meant(text: str, meant: str) -> None:
    assert to_mandarin(text) == meant


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("客户零七五九二 最近一次买东西是啥时候", "客户07592 最近一次买东西是什么时候"),
        ("会员编号〇〇一〇〇花了多少", "会员编号00100花了多少"),
        # not an id: a count of months, a list of months, a short number
        ("客户三四个月没来了", "客户三四个月没来了"),
        ("客户一二月买了多少", "客户一二月买了多少"),
        ("客户一二三", "客户一二三"),
    ],
)
def test_a_customer_id_spoken_digit_by_digit_is_read_as_digits(text: str, meant: str) -> None:
    assert to_mandarin(text) == meant


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("帮我查下客户一百 最近一次买东西是啥时候", "帮我查下客户100 最近一次买东西是什么时候"),
        ("会员三百八十九的消费", "会员389的消费"),
        # counts of customers stay words
        ("客户一百多个", "客户一百多个"),
        ("客户一百位", "客户一百位"),
        # voice-input homophones
        ("去年的服购率多少", "去年的复购率多少"),
        ("上个月课单价多少", "上个月客单价多少"),
        ("他会不会留失", "他会不会流失"),
    ],
)
def test_spoken_numbers_and_homophones(text: str, meant: str) -> None:
    assert to_mandarin(text) == meant


@pytest.mark.parametrize(
    ("text", "mandarin"),
    [
        ("我哋總共有幾多個客？", "我们总共有多少个客户？"),
        ("top 10% 嘅客貢獻咗幾多", "top 10% 的客户贡献了多少"),
        ("呢班人入面，以前使過超過 $500 嘅有幾多個？", "这批人里面，以前花过超过 $500 的有多少个？"),
        ("佢哋各自落咗幾多張單", "他们各自下了多少单"),
        ("咁 order 數呢", "那 order 数呢"),
    ],
)
def test_more_written_cantonese(text: str, mandarin: str) -> None:
    assert to_mandarin(text) == mandarin


def test_a_lone_ke_is_a_customer_only_after_a_measure_word() -> None:
    assert to_mandarin("幾多個客") == "多少个客户"
    assert to_mandarin("客单价係幾多") == "客单价是多少"  # 客单价, 客服, 客群 stay


@pytest.mark.parametrize(
    ("text", "spaced"),
    [
        ("上个quarter的revenue跟去年同期比怎样", "上个 quarter 的 revenue 跟去年同期比怎样"),
        ("3月cohort的M1", "3月 cohort 的 M1"),  # digits stay glued to Chinese
        ("98年Q1的GMV", "98年 Q1的 GMV"),
        ("top 10 customers", "top 10 customers"),
    ],
)
def test_latin_words_glued_to_chinese_are_spaced(text: str, spaced: str) -> None:
    assert space_latin(text) == spaced


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # Sichuanese 好多 / 好久 in a question are "how many / how long"
        ("这种客户有好多人？", "这种客户有多少人？"),
        ("他们今年贡献了好多营收？", "他们今年贡献了多少营收？"),
        ("一般隔好久回来买一次？", "一般隔多久回来买一次？"),
        ("未来半年能贡献好多？", "未来半年能贡献多少？"),
        # ... but "a lot of" in a statement, or in a yes/no question with 吗, stays
        ("有好多客户说物流慢", "有好多客户说物流慢"),
        ("好多人抱怨是真的吗？", "好多人抱怨是真的吗？"),
        # Singlish: the head count, "got", the sentence particles
        ("last month got how many pax buy from us ah", "last month how many customers buy from us"),
        ("top 10 spenders can list out? thanks", "top 10 spenders list? thanks"),
        ("same month 12 can?", "same month 12 ?"),
        # colloquial group words are the group pointed at
        ("这班人去年总共花了多少", "这批人去年总共花了多少"),
        # Cantonese 同 (and), 返嚟 (come back), 客 before an id, 大客
        ("新客同舊客各有幾多？", "新客和旧客各有多少？"),
        ("今年Q1同比係幾多？", "今年Q1同比是多少？"),
        ("之後仲有幾多有返嚟買？", "之后还有多少有回来买？"),
        ("幫我 check 下客 5000", "帮我 check 下客户 5000"),
        ("Top 10 大客嘅 CLV", "Top 10 大客户的 CLV"),
    ],
)
def test_regional_question_words(text: str, read: str) -> None:
    assert to_mandarin(text) == read


def test_a_percentage_after_customer_is_no_customer_id() -> None:
    # "占全部客户百分之几": 百 starts 百分之, not customer 100; "客户一百" stays an id said as a number
    assert to_mandarin("占全部客户百分之几？") == "占全部客户百分之几？"
    assert to_mandarin("帮我查下客户一百") == "帮我查下客户100"
    # British trading English: "turn over" is the revenue, not "over last month"
    assert to_mandarin("What did we turn over last month?") == "What did we revenue last month?"


def test_more_cantonese_time_words() -> None:
    assert to_mandarin("旧年呢？") == "去年呢？"
    assert to_mandarin("咁今个月呢 到而家卖咗几多") == "那这个月呢 到现在卖了多少"
    assert to_mandarin("上季度同今季度比，營業額差幾多？") == "上季度和这季度比，营业额差多少？"
    assert to_mandarin("今年嘅覆购率系几多？") == "今年的复购率系多少？"


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("rev last qtr vs same qtr LY?", "rev last quarter vs same quarter last year?"),
        ("top 5 accts by spend 97", "top 5 customers by spend 97"),
        ("pull up acct 2432 for me", "pull up customer 2432 for me"),
        ("how does that compare w H1 97", "how does that compare with H1 97"),
        ("vs same wk LY", "vs same week last year"),
        ("what's he worth over the next yr", "what's he worth over the next year"),
        # w/o is "without", not "with"; a lone w or ly elsewhere stays
        ("gone 180+ days w/o ordering", "gone 180+ days w/o ordering"),
        ("happy w that", "happy w that"),
        ("the weekly report", "the weekly report"),
    ],
)
def test_terse_business_english_abbreviations_are_written_out(text: str, meant: str) -> None:
    assert to_mandarin(text) == meant


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # Sichuanese question words and verbs; 好多 after a comma or 占 in a question, and before 嘛
        ("上个月生意咋样，卖了好多钱，好多单？", "上个月生意咋样，卖了多少钱，多少单？"),
        ("下个月大概能卖好多钱嘛", "下个月大概能卖多少钱嘛"),
        ("那好评占好多，差评占好多？", "那好评占多少，差评占多少？"),
        ("主要是在说啥子嘛", "主要是在说什么嘛"),
        ("咋个会一个新客都没得", "怎么会一个新客都没有"),
        ("那些新客人都是啥时候头一回来的", "那些新客人都是什么时候头一回来的"),
        # 好多 as "a lot" stays in a statement
        ("好多客户说物流慢", "好多客户说物流慢"),
        # Northeastern 多老鼻子
        ("一共卖了多老鼻子钱了？", "一共卖了多少钱了？"),
        # growth-team shorthand and an English typo
        ("L30D GMV? vs prev 30D %chg", "last 30 days GMV? vs previous 30 days % change"),
        ("L90D呢", "last 90 days呢"),
        ("customers who purchsed twice", "customers who purchased twice"),
    ],
)
def test_session_15_dialect_words(text: str, read: str) -> None:
    assert to_mandarin(text) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("一六八八八这个客人是不是好久没来了", "16888这个客人是不是好久没来了"),
        ("七五九二是不是我们最大的客户", "7592是不是我们最大的客户"),
        ("客护三号上次来是哪天", "客户3号上次来是哪天"),
        ("作天一共卖了多少钱几单", "昨天一共卖了多少钱几单"),
        ("上州卖了多少钱", "上周卖了多少钱"),
        ("一九九八年的销售额", "一九九八年的销售额"),
        ("三四个月", "三四个月"),
        ("怎么样", "怎么样"),
        ("他最后一单是么时候买的", "他最后一单是什么时候买的"),
        ("Which month highest, which month lowest one", "Which month highest, which month lowest"),
        ("what about the second one?", "what about the second one?"),
        ("Per pax spend leh?", "per customer spend?"),
    ],
)
def test_session_17_voice_and_malaysian_readings(said: str, read: str) -> None:
    from crm_insights.agent.dialect import to_mandarin

    assert to_mandarin(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        # months listed with a space typed for the 、, a pinyin typo
        ("去年年底那波（11 12月）销售额比9 10月涨了多少？", "去年年底那波（11、12月）销售额比9、10月涨了多少？"),
        ("跟在往前三个月比", "跟再往前三个月比"),
        ("97年 12月营收", "97年 12月营收"),
        # US Slack shorthand
        ("mar97 cohort retention m1 m3", "mar 1997 cohort retention m1 m3"),
        ("top 10% of cust by spend", "top 10% of customers by spend"),
        ("everyone lapsed 180d+", "everyone lapsed 180+ days"),
    ],
)
def test_session_18_readings(said: str, read: str) -> None:
    from crm_insights.agent.dialect import to_mandarin

    assert to_mandarin(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("for the period 1st March 1997 to 31st May 1997", "for the period 1997-03-01 to 1997-05-31"),
        ("after 15th Mar '98", "after 1998-03-15"),
        ("31st June 1997", "31st June 1997"),  # no such day: left as written
        # a word that only starts like a month, or a percentage, is no month and year
        ("marketing 98 budget", "marketing 98 budget"),
        ("revenue decline 97% of the way", "revenue decline 97% of the way"),
        ("may 95% of them", "may 95% of them"),
        ("March 97 revenue", "Mar 1997 revenue"),
        ("top 5 customers by actual spend till date", "top 5 customers by actual spend so far"),
    ],
)
def test_session_18_indian_english_dates(said: str, read: str) -> None:
    from crm_insights.agent.dialect import to_mandarin

    assert to_mandarin(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        # Singapore English: a lapse written "and above" before "never buy"; a topic let go
        (
            "how many customers 180 days and above never buy anything already?",
            "how many customers have not bought anything for 180 days and above?",
        ),
        ("ok nvm the margin. split that quarter by month", "ok  split that quarter by month"),
        ("never mind that region, revenue by month", " revenue by month"),
        ("never mind the revenue by month", "never mind the revenue by month"),  # no clause end: left as written
    ],
)
def test_session_19_readings(said: str, read: str) -> None:
    from crm_insights.agent.dialect import to_mandarin

    assert to_mandarin(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        # voice-input homophones (an1): 客单架, 流逝, 还比 before a question word; 还比 as "still than" stays
        ("那客单架呢 跟今年比是高了还是低了", "那客单价呢 跟今年比是高了还是低了"),
        ("客户流逝率", "客户流失率"),
        ("那上个月呢 还比怎么样", "那上个月呢 环比怎么样"),
        ("今年还比去年好吗", "今年还比去年好吗"),
        # a CFO's decile
        (
            "What share of revenue comes from the top decile of customers?",
            "What share of revenue comes from the top 10% of customers?",
        ),
    ],
)
def test_session_19_an_readings(said: str, read: str) -> None:
    from crm_insights.agent.dialect import to_mandarin

    assert to_mandarin(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        # Australian chat English (ao2): bucks, "revenue + orders", "no. of customers", growth shorthand L30
        ("orders over a hundred bucks", "orders over $100"),
        ("spent 500 bucks", "spent $500"),
        ("how'd last week go? revenue + orders", "how'd last week go? revenue and orders"),
        ("180+ days", "180+ days"),
        ("revenue, orders and no. of customers", "revenue, orders and number of customers"),
        ("L30 购买用户多少", "last 30 days 购买用户多少"),
        # "at least twice … but": a purchase-count bound; "what share bought at least twice" stays the repeat rate
        ("bought at least twice in 1997 but not in 1998", "bought 2 times or more in 1997 but not in 1998"),
        ("what share bought at least twice", "what share bought at least twice"),
        ("righto, and is that up or down on april?", "righto, and is that up or down compared with april?"),
        ("how many months have we cracked 3,000 orders?", "how many months have we more than 3000 orders?"),
        (
            "how many customers have we got all up, and how many of em",
            "how many customers have we got in total, and how many of them",
        ),
        ("截至1998年6月末的滚动12个月营收", "截至1998年6月末的最近12个月营收"),
    ],
)
def test_session_19_ao_readings(said: str, read: str) -> None:
    from crm_insights.agent.dialect import to_mandarin

    assert to_mandarin(said) == read
