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
