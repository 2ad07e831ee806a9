"""The term-matching engine: keywords and lexicon phrases found in a question, zh and en.

A term is a literal phrase (English: whole words, matched after a crude, symmetric stemming, so "complaints" ~
"complaint") or a regular expression written ``re:<pattern>`` over the same normalised text. All terms compete
for the text and the longest match wins ("不满意" hides "满意", "segment overview" hides "overview").
Spelling correction of English words against the router's vocabulary lives here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_WORD = re.compile(r"[a-z]+")


_SILENT_E = re.compile(r"(?<=[a-z]{2})([vszcgk])e$")
_DOUBLED = re.compile(r"([bcghjkmnpqrtvwxy])\1$")


def _stem_word(word: str) -> str:
    # Crude and symmetric (applied to terms and text alike): "mentioned"/"mention", "shipping"/"shipped",
    # "replies"/"reply" meet; good enough for keyword evidence. A silent e after v/s/z/c/g/k is dropped so
    # that "save"/"saved"/"saving", "leave"/"leaving", "purchase"/"purchased" meet, and a doubled final
    # consonant left by -ed/-ing is undoubled ("slipping"/"slip", "shipped"/"ship"; not ll/ss/ff/zz/dd).
    if len(word) > 5 and word.endswith("ing"):
        return _DOUBLED.sub(r"\1", word[:-3])
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ed"):
        return _DOUBLED.sub(r"\1", word[:-2])
    # No plain-plural rule: "segments" (list them) and "segment" (one of them) mean different things.
    return _SILENT_E.sub(r"\1", word)


def normalise(text: str) -> str:
    """Lowercase with English words stemmed: the form keywords are matched in."""
    return _WORD.sub(lambda m: _stem_word(m.group(0)), text.lower())


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    """A keyword as a pattern: ``re:...`` is a regular expression, else the literal (whole words for English)."""
    if term.startswith("re:"):
        return re.compile(term[3:])
    t = normalise(term)
    if t.isascii():
        return re.compile(rf"(?<![a-z0-9]){re.escape(t)}(?![a-z0-9])")
    return re.compile(re.escape(t))


@lru_cache(maxsize=4096)
def _term_literal(term: str) -> str | None:
    """The normalised text a literal term must contain to match (None for a regular expression)."""
    return None if term.startswith("re:") else normalise(term)


def find_terms(text: str, terms: Sequence[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches of ``terms`` in ``text``, longest match first (so 不满意 beats 满意).

    Terms match the :func:`normalise`-d text; English terms match whole words; a term written
    ``re:<pattern>`` is a regular expression over the same text.
    """
    norm = normalise(text)
    candidates: list[tuple[int, int, str]] = []
    for term in set(terms):
        literal = _term_literal(term)
        if literal is not None and literal not in norm:
            continue  # most terms are absent: a substring test skips their regex
        for m in _term_pattern(term).finditer(norm):
            if m.end() > m.start():
                candidates.append((m.start(), m.end(), term))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2]))
    spans: list[tuple[int, int, str]] = []
    for i, j, term in candidates:
        if any(s < j and i < e for s, e, _ in spans):
            continue
        spans.append((i, j, term))
    return sorted(spans)


def as_written(text: str, start: int, end: int) -> str:
    """The words of ``text`` that a match at ``start:end`` of :func:`normalise`-d text covers (stemming shortens
    words: "handled by" is matched as "handl by"); a match ending inside a word takes the whole word."""
    first, last = original_span(text, start, end)
    return text[first:last].strip()


def original_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets in ``text`` of a match at ``start:end`` of its :func:`normalise`-d form (a match ending inside a
    word takes the whole word); the offsets unchanged where they cannot be mapped."""
    low = text.lower()
    if len(low) != len(text):
        return start, end
    to_original: list[int] = []  # normalised offset -> original offset
    pos = 0
    for m in _WORD.finditer(low):
        to_original.extend(range(pos, m.start()))
        to_original.extend(range(m.start(), m.start() + len(_stem_word(m.group(0)))))
        pos = m.end()
    to_original.extend(range(pos, len(low)))
    if not 0 <= start < end <= len(to_original):
        return start, end
    first, last = to_original[start], to_original[end - 1] + 1
    while last < len(text) and text[last - 1].isascii() and text[last - 1].isalpha() and text[last].isalpha():
        last += 1
    return first, last


def has_any(text: str, terms: Sequence[str]) -> list[str]:
    """The terms present in ``text`` (whole words for English), longest-first non-overlapping."""
    return [term for _, _, term in find_terms(text, terms)]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | transposes | replaces | inserts
