"""Customer references as people and models write them, resolved to the store's external ids.

"100", "00100", "客户100", "customer #100", "C100" and "c1042" all name a customer the way a user
(or an LLM copying the user) writes it; the store keeps ids verbatim as the source gave them
("00100" in CDNOW). :func:`parse_customer_ref` and :func:`candidate_ids` are pure;
:func:`resolve_customer` tries the candidates against the store, most literal first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from crm_insights.errors import InputError, NotFoundError
from crm_insights.store.models import Customer

# Widest zero-padded form tried; external ids are String(64) but numeric source ids stay short.
MAX_PAD_WIDTH = 20

# Words people put before an id. Longest first so "customer id" wins over "customer".
_PREFIX_WORDS = (
    "customer number",
    "customer no",
    "customer id",
    "customer",
    "client",
    "cust",
    "user",
    "member",
    "id",
    "no",
    "number",
    "客户编号",
    "客户号",
    "客户id",
    "客户",
    "顾客",
    "用户",
    "会员",
    "编号",
)
_WORD_ALTS = "|".join(
    # ASCII words must end at a non-letter ("id7" yes, "idle7" no); Chinese words need no boundary.
    re.escape(w) + (r"(?![a-z])" if w.isascii() else "")
    for w in _PREFIX_WORDS
)
_PREFIX_RE = re.compile(r"^[#＃]?(?:(?:" + _WORD_ALTS + r")\s*[.:#：＃=\-_]*\s*)+", re.IGNORECASE)
# Chinese suffixes: "100号", "100号客户", "第100号客户".
_SUFFIX_RE = re.compile(r"\s*(?:号)?\s*(?:客户|顾客|用户|会员)?$")
# A one- or few-letter code glued to digits: "C100", "c1042", "CUST-00100".
_LETTER_CODE_RE = re.compile(r"^([A-Za-z]{1,6})[\s\-_#]*(\d+)$")


@dataclass(frozen=True)
class CustomerRef:
    """A parsed customer reference: ``raw`` as given (NFKC, trimmed), ``body`` without words around it."""

    raw: str
    body: str
    letters: str = ""  # a letter code glued to the digits ("C" in "C100"), kept to try "C00100" forms
    digits: str = ""  # the numeric part when there is one

    @property
    def numeric(self) -> bool:
        return bool(self.digits)


def _clean(text: str) -> str:
    # NFKC turns full-width digits and letters ("１００", "Ｃ１００") into ASCII.
    return unicodedata.normalize("NFKC", text).strip().strip("'\"`“”‘’「」")


def parse_customer_ref(ref: str) -> CustomerRef:
    """Split a reference into its parts. Raises InputError when nothing id-like is left."""
    raw = _clean(str(ref))
    if not raw:
        raise InputError("empty customer reference; give a customer id such as '00100'")
    body = raw
    if body.startswith("第"):
        body = body[1:]
    body = _PREFIX_RE.sub("", body)
    body = _SUFFIX_RE.sub("", body).strip().lstrip("#＃").strip()
    if not body:
        # The whole reference was words ("customer"): keep it verbatim, it may still be an id.
        body = raw
    if body.isdigit():
        return CustomerRef(raw=raw, body=body, digits=body)
    m = _LETTER_CODE_RE.match(body)
    if m:
        return CustomerRef(raw=raw, body=body, letters=m.group(1), digits=m.group(2))
    return CustomerRef(raw=raw, body=body)


def padded_forms(digits: str, max_width: int = MAX_PAD_WIDTH) -> list[str]:
    """Every zero-padded spelling of a number: "100" -> "100", "0100", "00100", ... (numeric equality)."""
    core = digits.lstrip("0") or "0"
    return [core.zfill(w) for w in range(len(core), max(max_width, len(core)) + 1)]


def candidate_ids(ref: str | CustomerRef) -> list[str]:
    """External ids that ``ref`` may mean, most literal first, without duplicates."""
    parsed = ref if isinstance(ref, CustomerRef) else parse_customer_ref(ref)
    out: list[str] = [parsed.raw, parsed.body]
    if parsed.numeric:
        if parsed.letters:
            # "C100" may be stored as "C100"/"C00100" (a letter code) or as "00100" (a prefix word).
            for code in (parsed.letters, parsed.letters.upper()):
                out.extend(code + form for form in padded_forms(parsed.digits))
        out.append(parsed.digits)
        out.extend(padded_forms(parsed.digits))
    return [c for c in dict.fromkeys(out) if c]


@dataclass(frozen=True)
class ResolvedCustomer:
    pk: int
    external_id: str
    name: str | None = None


def resolve_customer(engine: Engine, ref: str) -> ResolvedCustomer:
    """The stored customer ``ref`` names. NotFoundError (with close ids when cheap) when none does.

    Order: the candidates of :func:`candidate_ids` in their order (exact spelling wins over a padded
    form), then a case-insensitive match, then ids whose trailing number equals the reference's
    number ("CUST-00100" for "100").
    """
    parsed = parse_customer_ref(ref)
    candidates = candidate_ids(parsed)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Customer.id, Customer.external_id, Customer.name).where(Customer.external_id.in_(candidates))
        ).all()
        if rows:
            rank = {c: i for i, c in enumerate(candidates)}
            pk, ext, name = min(rows, key=lambda r: rank[r[1]])
            return ResolvedCustomer(pk, ext, name)
        lowered = [c.lower() for c in candidates[:2]]
        row = conn.execute(
            select(Customer.id, Customer.external_id, Customer.name)
            .where(func.lower(Customer.external_id).in_(lowered))
            .limit(1)
        ).first()
        if row:
            return ResolvedCustomer(row[0], row[1], row[2])
        if parsed.numeric:
            core = parsed.digits.lstrip("0") or "0"
            tail_rows = conn.execute(
                select(Customer.id, Customer.external_id, Customer.name)
                .where(Customer.external_id.like(f"%{core}"))
                .order_by(func.length(Customer.external_id))
                .limit(50)
            ).all()
            for pk, ext, name in tail_rows:
                m = re.search(r"(\d+)$", ext)
                if m and int(m.group(1)) == int(parsed.digits):
                    return ResolvedCustomer(pk, ext, name)
        suggestions = _suggest(conn, parsed)
    hint = f"; close ids: {', '.join(suggestions)}" if suggestions else ""
    raise NotFoundError(f"no customer matches {ref!r}{hint}")


def _suggest(conn, parsed: CustomerRef, limit: int = 5) -> list[str]:  # type: ignore[no-untyped-def]
    """Up to ``limit`` stored ids containing the reference's core (one indexed-free LIKE scan, cheap)."""
    core = (parsed.digits.lstrip("0") or "0") if parsed.numeric else parsed.body
    core = core.replace("%", "").replace("_", "")
    if not core:
        return []
    rows = conn.execute(
        select(Customer.external_id)
        .where(Customer.external_id.like(f"%{core}%"))
        .order_by(func.length(Customer.external_id), Customer.external_id)
        .limit(limit)
    ).all()
    return [r[0] for r in rows]
