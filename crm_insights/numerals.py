"""Numbers as people write them in questions: digits, Chinese numerals (十二, 两, 一百) and small English words."""

from __future__ import annotations

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
}


_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def to_int(token: str) -> int | None:
    """``"12"``, ``"十二"``, ``"两"``, ``"twelve"`` -> 12 / 12 / 2 / 12; None when it is not a number.

    Chinese numerals take every place value (十, 百, 千, 万, 亿: "一万二千" 12000, "三千零五" 3005) and the spoken
    short form where a last digit after 百 or above is one place lower ("两千五" 2500, "一千二" 1200, "三万五"
    35000, "一百二" 120)."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    if token in EN_NUMBERS:
        return EN_NUMBERS[token]
    if not token or any(ch not in CN_DIGITS and ch not in _UNITS for ch in token):
        return None
    total, section, current, last_unit = 0, 0, 0, 1
    for ch in token:
        unit = _UNITS.get(ch)
        if unit is None:
            current = current * 10 + CN_DIGITS[ch] if current else CN_DIGITS[ch]
        elif unit >= 10_000:
            total += (section + current) * unit if (section or current) else unit
            section, current, last_unit = 0, 0, unit
        else:
            section += (current or 1) * unit
            current, last_unit = 0, unit
    if current and last_unit >= 100 and len(token) >= 2 and token[-2] in _UNITS:
        current *= last_unit // 10  # "两千五": 2500, not 2005
    return total + section + current
