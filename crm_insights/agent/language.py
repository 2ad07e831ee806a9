"""Which language a question is in (zh or en): the answer is written in the user's language."""

from __future__ import annotations

import re
from typing import Literal

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> Literal["zh", "en"]:
    """``zh`` when Chinese characters are a real part of the text, else ``en``.

    Chinese words carry more meaning per character than English ones, so a few CJK characters among
    English letters (``"customer 100 的订单"``) already make the question Chinese.
    """
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0:
        return "en"
    return "zh" if cjk * 3 >= latin or cjk >= 4 else "en"


# The tools' error messages are written in English for the CLI and the API; a Chinese question gets them in
# Chinese. Each entry: the message's pattern and its Chinese wording ({name} from the pattern's groups); a message
# no entry knows is shown as written, after a Chinese lead-in, so nothing the user could act on is lost.
_ERRORS_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"no customer matches (?P<ref>'[^']*'|\"[^\"]*\")(?:; close ids: (?P<ids>.+))?$"),
     "没有找到客户 {ref}{ids}"),
    (re.compile(r"no such customer: (?P<ref>.+)$"), "没有找到客户 {ref}"),
    (re.compile(r"the comparison period (?P<a>\S+) to (?P<b>\S+) is outside the data, which runs from (?P<c>\S+) to "
                r"(?P<d>[\d-]+)"),
     "对比期 {a} 至 {b} 不在数据范围内（数据为 {c} 至 {d}），无法对比"),
    (re.compile(r"unknown customer id\(s\): (?P<ref>.+)$"), "这些客户编号不存在：{ref}"),
    (re.compile(r"no segment matches (?P<ref>'[^']*'|\"[^\"]*\"); segments are: (?P<ids>.+)$"),
     "没有名为 {ref} 的客户细分；现有细分：{ids}"),
    (re.compile(r"no stored feedback has a sentiment label yet; run `(?P<cmd>[^`]+)`"),
     "反馈还没有做情感分析；请先运行 `{cmd}`"),
    # crm_insights.background.training_message: the quickstart's runner is still building the model.
    (re.compile(r"^the forecast model is still training in the background"),
     "预测模型还在后台训练中，请过几分钟再问（`crm-insights status` 可查看进度）"),
    (re.compile(r"^the sentiment model .*?is still training in the background"),
     "情感模型还在后台训练中（训练后还要给已存的反馈打情感标签），请过几分钟再问（`crm-insights status` 可查看进度）"),
    (re.compile(r"^the feedback search index is still training in the background"),
     "反馈检索索引还在后台建立中，请过几分钟再问（`crm-insights status` 可查看进度）"),
    (re.compile(r"failed to build in the background \(log: (?P<log>[^)]+)\); run `(?P<cmd>[^`]+)`"),
     "需要的模型在后台构建失败（日志：{log}）；请运行 `{cmd}`"),
    (re.compile(r"no (?P<what>.+?) model has been trained yet; run `(?P<cmd>[^`]+)`"),
     "模型还没有训练；请先运行 `{cmd}`"),
    (re.compile(r"no feedback index yet: run `(?P<cmd>[^`]+)`"), "反馈检索索引还没有建立；请先运行 `{cmd}`"),
    (re.compile(r"the (?:CRM )?store has no (?:orders|tables)(?: yet)?; (?:run|import).*?`(?P<cmd>crm-insights demo)`"),
     "数据库里还没有数据；请先运行 `{cmd}` 或 `crm-insights import`"),
)  # fmt: skip


def user_error(message: str, language: str) -> str:
    """A tool's error message in the user's language (``zh``: the known messages in Chinese)."""
    text = str(message).strip()
    if language != "zh":
        return text
    for pattern, zh in _ERRORS_ZH:
        m = pattern.search(text)
        if m:
            groups = {k: v or "" for k, v in m.groupdict().items()}
            if groups.get("ids") and "close ids" in m.group(0):
                groups["ids"] = f"；相近的编号：{groups['ids']}"
            return zh.format(**groups)
    return f"（原始信息）{text}"
