"""Import customers, orders and feedback from CSV or Parquet into the CRM store.

The whole file is read and validated with vectorised pandas before anything is written; a file with
any bad row raises :class:`~crm_insights.errors.ImportValidationError` listing every problem (row,
field, reason) and the store is left untouched. Good files are written in one transaction with bulk
upserts keyed on external ids, so importing the same file twice changes nothing the second time:

- SQLite: ``executemany`` of ``INSERT .. ON CONFLICT (external_id) DO UPDATE``.
- PostgreSQL: ``COPY`` into a temporary table, then one ``INSERT .. SELECT .. ON CONFLICT``.

Row numbers in reports count data rows from 1 (the header is not a row).

Orders and feedback without an id column get a deterministic content-hash id that includes the
occurrence index of identical lines, so two identical order lines stay two orders and a re-import
still matches them. Without an id column a changed value therefore makes a new row; give the file an
id column to update values in place.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text

from crm_insights.errors import ImportValidationError, InputError
from crm_insights.jsonable import jsonable
from crm_insights.progress import progress_bar as rich_progress_bar
from crm_insights.store.rollup import refresh_rollup, rollup_fresh

log = logging.getLogger(__name__)

KINDS = ("customers", "orders", "feedback")
CHUNK_ROWS = 20_000
# From this many new rows (and at least as many as the table holds) SQLite imports rebuild the
# table's secondary indexes instead of updating them row by row.
BULK_REBUILD_ROWS = 50_000
MAX_PROBLEMS_KEPT = 10_000
# Column widths of the schema (migration 0001); longer values are reported, never truncated.
MAX_LEN = {"customer_id": 64, "order_id": 80, "feedback_id": 80, "name": 200, "channel": 40}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool
    aliases: tuple[str, ...] = ()
    help: str = ""


# Canonical fields per kind. Aliases (matched case-insensitively, with spaces/hyphens as underscores)
# cover the headers common CRM exports use, Chinese ones included; `--map field=column` overrides.
SCHEMAS: dict[str, tuple[FieldSpec, ...]] = {
    "customers": (
        FieldSpec(
            "customer_id",
            True,
            (
                "external_id",
                "customer",
                "id",
                "client_id",
                "member_id",
                "客户编号",
                "客户id",
                "客户号",
                "会员编号",
                "会员id",
            ),
            "the customer's id in your system (kept verbatim)",
        ),
        FieldSpec(
            "name", False, ("customer_name", "full_name", "客户名称", "客户姓名", "姓名", "名称"), "display name"
        ),
        FieldSpec(
            "signup_at",
            False,
            (
                "signup_date",
                "signup",
                "signed_up_at",
                "registered_at",
                "created_at",
                "注册时间",
                "注册日期",
                "开户日期",
            ),
            "when the customer signed up",
        ),
    ),
    "orders": (
        FieldSpec(
            "customer_id", True, ("customer", "client_id", "member_id", "客户编号", "客户id", "客户号", "会员编号")
        ),
        FieldSpec(
            "ordered_at",
            True,
            (
                "order_date",
                "order_time",
                "date",
                "time",
                "timestamp",
                "created_at",
                "下单时间",
                "订单时间",
                "订单日期",
                "日期",
            ),
        ),
        FieldSpec("quantity", False, ("qty", "units", "数量", "件数"), "defaults to 1"),
        FieldSpec("amount", True, ("total", "revenue", "sales", "金额", "订单金额", "销售额", "实付金额")),
        FieldSpec("order_id", False, ("order", "order_no", "order_number", "line_id", "订单编号", "订单号")),
    ),
    "feedback": (
        FieldSpec(
            "customer_id", True, ("customer", "client_id", "member_id", "客户编号", "客户id", "客户号", "会员编号")
        ),
        FieldSpec(
            "created_at",
            True,
            ("date", "time", "timestamp", "submitted_at", "feedback_date", "反馈时间", "评论时间", "时间", "日期"),
        ),
        FieldSpec("channel", False, ("source", "渠道", "来源")),
        FieldSpec(
            "text", True, ("feedback", "comment", "review", "content", "message", "内容", "评论", "反馈", "反馈内容")
        ),
        FieldSpec("feedback_id", False, ("review_id", "comment_id", "ticket_id", "反馈编号", "评论编号")),
    ),
}


@dataclass
class ImportResult:
    """What one import did: rows in the file; of the rows written, how many were new, changed, unchanged."""

    kind: str
    source: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    encoding: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    ignored_columns: list[str] = field(default_factory=list)
    created_customers: int = 0
    duplicates_collapsed: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "encoding": self.encoding,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "created_customers": self.created_customers,
            "duplicates_collapsed": self.duplicates_collapsed,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------------------------------------
# progress
# ---------------------------------------------------------------------------------------------


ProgressFn = Callable[[int], None]


def _show_progress(enabled: bool | None) -> bool:
    return sys.stderr.isatty() if enabled is None else enabled


@contextmanager
def stage(description: str, enabled: bool | None) -> Iterator[None]:
    """A spinner on stderr for a step without a row count (reading, validating); logs the step too."""
    log.info(description)
    if not _show_progress(enabled):
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(description):
        yield


@contextmanager
def progress_bar(description: str, total: int, enabled: bool | None) -> Iterator[ProgressFn]:
    """A Rich progress bar on stderr (:mod:`crm_insights.progress`) unless ``enabled`` is False."""
    if not _show_progress(enabled):
        yield lambda _n: None
        return
    with rich_progress_bar(True, eta=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """utf-8-sig when a UTF-8 BOM leads, utf-8 when the bytes decode as UTF-8, else gb18030.

    GB18030 is what Chinese CRM exports (Excel "CSV" on a Chinese Windows) usually are; it is a
    superset of GBK/GB2312. Any other encoding needs ``--encoding``.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot tell the file's encoding (not UTF-8 or GB18030: bad byte at offset {exc.start}); "
            "pass --encoding, e.g. --encoding big5"
        ) from exc


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_table(path: str | Path, encoding: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """Read a CSV/TSV (every column as text, ids verbatim) or Parquet file. Returns (frame, encoding)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no such file: {p}")
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        try:
            return pd.read_parquet(p), None
        except Exception as exc:  # pyarrow raises several types for a corrupt file
            raise InputError(f"cannot read Parquet file {p}: {exc}") from exc
    data = p.read_bytes()
    if not data.strip():
        raise InputError(f"{p} is empty")
    enc = encoding or detect_encoding(data)
    try:
        content = data.decode(enc)
    except (LookupError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot decode {p} as {enc}: {exc}") from exc
    if content.startswith("\ufeff"):  # a BOM left by an explicit --encoding utf-8
        content = content[1:]
    sep = "\t" if suffix == ".tsv" else _sniff_delimiter(content.split("\n", 1)[0])
    try:
        df = pd.read_csv(
            io.StringIO(content),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse {p} as CSV: {exc}") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df, enc


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def parse_mapping(items: Sequence[str] | None) -> dict[str, str]:
    """``["customer_id=客户编号", ...]`` -> ``{"customer_id": "客户编号"}``."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"--map expects FIELD=COLUMN, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def resolve_columns(kind: str, columns: Sequence[str], mapping: Mapping[str, str] | None = None) -> dict[str, str]:
    """Canonical field -> source column, from ``mapping`` first, then names and aliases.

    Raises InputError naming the missing required field and the columns found.
    """
    specs = SCHEMAS[kind]
    names = {s.name for s in specs}
    mapping = dict(mapping or {})
    found = [str(c) for c in columns]
    for key, col in mapping.items():
        if key not in names:
            raise InputError(f"--map {key}=...: {kind} have no field {key!r}; fields: {', '.join(sorted(names))}")
        if col not in found:
            raise InputError(f"--map {key}={col}: no column {col!r} in the file; columns found: {', '.join(found)}")
    resolved: dict[str, str] = dict(mapping)
    taken = set(resolved.values())
    by_norm: dict[str, str] = {}
    for c in found:
        by_norm.setdefault(_norm(c), c)
    for spec in specs:
        if spec.name in resolved:
            continue
        for candidate in (spec.name, *spec.aliases):
            match = by_norm.get(_norm(candidate))
            if match is not None and match not in taken:
                resolved[spec.name] = match
                taken.add(match)
                break
    missing = [s.name for s in specs if s.required and s.name not in resolved]
    if missing:
        raise InputError(
            f"missing required column(s) for {kind}: {', '.join(missing)}; "
            f"columns found: {', '.join(found) or '(none)'} (map one with --map {missing[0]}=COLUMN)"
        )
    return resolved


# ---------------------------------------------------------------------------------------------
# validation (vectorised)
# ---------------------------------------------------------------------------------------------


class _Problems:
    """Collects (row, field, reason) per check; keeps the first rows of each check, counts all."""

    def __init__(self, fields: Sequence[str]):
        self.order = {f: i for i, f in enumerate(fields)}
        self.items: list[tuple[int, int, str, str]] = []
        self.total = 0

    def add(self, mask: np.ndarray | pd.Series, fld: str, reason: Callable[[int], str]) -> None:
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        self.total += len(idx)
        for i in idx[:MAX_PROBLEMS_KEPT]:
            self.items.append((int(i) + 1, self.order.get(fld, 99), fld, reason(int(i))))

    def raise_if_any(self, kind: str, source: str, rows: int) -> None:
        if not self.total:
            return
        self.items.sort()
        problems = [(r, f, why) for r, _o, f, why in self.items[:MAX_PROBLEMS_KEPT]]
        nrows = len({r for r, _f, _w in problems})
        raise ImportValidationError(
            f"{source}: {self.total} problem(s) in {nrows}{'+' if self.total > len(problems) else ''} of {rows} "
            f"{kind} row(s); nothing was imported (rows count data lines from 1, after the header)",
            problems,
            total=self.total,
        )


def _show(value: Any, width: int = 40) -> str:
    s = str(value)
    return repr(s if len(s) <= width else s[: width - 1] + "…")


def _text(series: pd.Series) -> pd.Series:
    """Strings, stripped; missing -> "" (Parquet nulls, NaN). Integral floats lose their ".0"."""
    if pd.api.types.is_float_dtype(series.dtype):
        vals = series.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(vals)
        if finite.any() and np.all(np.equal(np.mod(vals[finite], 1), 0)):
            out = pd.Series(np.where(finite, vals, 0).astype("int64"), index=series.index).astype(str)
            return out.where(finite, "")
    s = series.astype(object).where(series.notna(), "")
    return s.astype(str).str.strip()


_CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")


def _parse_dates(series: pd.Series, date_format: str | None) -> pd.Series:
    """datetime64 (naive, UTC for zoned inputs); NaT where unparseable."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        out = pd.to_datetime(series, utc=True)
    else:
        raw = _text(series)
        if date_format:
            out = pd.to_datetime(raw, format=date_format, errors="coerce", utc=True)
        else:
            # ISO 8601 (also 2024/01/05 and 19970101) in one vectorised pass; then 2024年1月5日.
            out = pd.to_datetime(raw, format="ISO8601", errors="coerce", utc=True)
            bad = out.isna() & (raw != "")
            if bad.any():
                fixed = raw[bad].str.replace(_CJK_DATE, r"\1-\2-\3", regex=True)
                out.loc[bad] = pd.to_datetime(fixed, format="ISO8601", errors="coerce", utc=True)
    return out.dt.tz_convert(None).astype("datetime64[us]")


_NUM_JUNK = re.compile(r"[,\s¥￥$€£]")


def _parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float values, present mask). Thousands separators and currency signs are ignored."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        vals = pd.to_numeric(series, errors="coerce").astype("float64")
        return vals, series.notna()
    raw = _text(series)
    present = raw != ""
    vals = pd.to_numeric(raw, errors="coerce").astype("float64")
    retry = vals.isna() & present
    if retry.any():  # only the rows plain parsing refused pay for the cleanup
        cleaned = raw[retry].map(lambda v: _NUM_JUNK.sub("", v))
        vals.loc[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return vals, present


def _check_ids(problems: _Problems, ids: pd.Series, fld: str, required: bool, what: str = "value") -> pd.Series:
    empty = ids == ""
    if required:
        problems.add(empty, fld, lambda _i: f"missing required {what}")
    limit = MAX_LEN[fld]
    problems.add(ids.str.len() > limit, fld, lambda i: f"longer than {limit} characters: {_show(ids.iat[i])}")
    return empty


def _check_date(problems: _Problems, raw: pd.Series, parsed: pd.Series, fld: str, required: bool) -> None:
    present = _text(raw) != "" if not pd.api.types.is_datetime64_any_dtype(raw.dtype) else raw.notna()
    if required:
        problems.add(~present, fld, lambda _i: "missing required date")
    problems.add(
        present & parsed.isna(),
        fld,
        lambda i: f"unparseable date {_show(raw.iat[i])} (use ISO 8601 like 2024-01-31, or pass --date-format)",
    )


def _check_amount(problems: _Problems, raw: pd.Series, fld: str, required: bool, integer: bool) -> pd.Series:
    vals, present = _parse_numbers(raw)
    if required:
        problems.add(~present, fld, lambda _i: "missing required number")
    finite = np.isfinite(vals.to_numpy(dtype="float64", na_value=np.nan))
    bad = present & ~finite
    problems.add(bad, fld, lambda i: f"not a number: {_show(raw.iat[i])}")
    ok = present & finite
    problems.add(ok & (vals < 0), fld, lambda i: f"negative {fld} {vals.iat[i]:g}")
    if integer:
        frac = ok & (vals >= 0) & (np.mod(vals.fillna(0), 1) != 0)
        problems.add(frac, fld, lambda i: f"not a whole number: {_show(raw.iat[i])}")
    return vals


def _hash_ids(prefix: str, parts: Sequence[pd.Series]) -> pd.Series:
    """Deterministic ids from row content plus the occurrence index among identical rows."""
    cols = [p.reset_index(drop=True).astype(str) for p in parts]
    joined = cols[0]
    for col in cols[1:]:  # vectorised concatenation; only sha1 runs per row
        joined = joined + "\x1f" + col
    # The joined text stands for the whole row, so one string column is grouped instead of several.
    occurrence = joined.groupby(joined, sort=False).cumcount().astype(str)
    joined = joined + "\x1f" + occurrence
    sha1 = hashlib.sha1
    out = [prefix + sha1(v.encode("utf-8")).hexdigest()[:32] for v in joined.tolist()]  # 128 bits
    return pd.Series(out, index=parts[0].index, dtype=object)


def _iso(ts: pd.Series) -> pd.Series:
    """The canonical text of a timestamp for hashing (microseconds, so 10:00 and 10:00:00 agree)."""
    arr = np.datetime_as_string(ts.to_numpy(dtype="datetime64[us]"), unit="us")
    return pd.Series(arr, index=ts.index, dtype=object)


def _num_text(vals: pd.Series) -> pd.Series:
    return pd.Series([repr(float(v)) for v in vals.tolist()], index=vals.index, dtype=object)


def _collapse_duplicates(
    problems: _Problems, df: pd.DataFrame, key: str, value_cols: Sequence[str], fld: str, what: str
) -> pd.DataFrame:
    """Drop exact repeats of an external id; report repeats whose values differ (with the first row)."""
    keyed = df[df[key] != ""]
    dup = keyed[key].duplicated(keep=False)
    if not dup.any():
        return df
    grp = keyed[dup]
    first_row = grp.groupby(key, sort=False)["_row"].transform("min")
    canon = grp[list(value_cols)].astype(str).agg("\x1f".join, axis=1)
    n_variants = canon.groupby(grp[key], sort=False).transform("nunique")
    conflicting = (n_variants > 1) & (grp["_row"] != first_row)
    mask = np.zeros(len(df), dtype=bool)
    positions = grp.index[conflicting.to_numpy()]
    mask[df.index.get_indexer(positions)] = True
    first_map = dict(zip(grp.index, first_row, strict=True))
    problems.add(
        mask,
        fld,
        lambda i: f"duplicate {what} {_show(df[key].iat[i])} with values different from row {first_map[df.index[i]]}",
    )
    return df[~(df[key].duplicated(keep="first") & (df[key] != ""))]


@dataclass
class Prepared:
    """A validated frame ready to write: canonical columns, parsed values."""

    kind: str
    frame: pd.DataFrame
    rows: int
    columns: dict[str, str]
    ignored_columns: list[str]
    attribute_columns: list[str] = field(default_factory=list)
    new_customers: list[str] = field(default_factory=list)
    duplicates_collapsed: int = 0


def known_customer_ids(conn: Connection) -> set[str]:
    return {r[0] for r in conn.execute(text("SELECT external_id FROM customers"))}


def prepare(
    kind: str,
    df: pd.DataFrame,
    mapping: Mapping[str, str] | None = None,
    *,
    source: str = "<frame>",
    known_customers: set[str] | None = None,
    create_customers: bool = False,
    date_format: str | None = None,
) -> Prepared:
    """Validate a whole frame of ``kind``; raise ImportValidationError listing every bad row.

    ``known_customers``: external ids that orders/feedback may refer to (the store's plus any being
    imported in the same batch). With ``create_customers`` unknown ids become new bare customers
    instead of errors.
    """
    if kind not in SCHEMAS:
        raise InputError(f"unknown import kind {kind!r}; one of {', '.join(KINDS)}")
    cols = resolve_columns(kind, list(df.columns), mapping)
    specs = {s.name: s for s in SCHEMAS[kind]}
    used = set(cols.values())
    rest = [str(c) for c in df.columns if str(c) not in used]
    n = len(df)
    df = df.reset_index(drop=True)
    problems = _Problems([s.name for s in SCHEMAS[kind]])
    out = pd.DataFrame({"_row": np.arange(1, n + 1)})

    cust = _text(df[cols["customer_id"]])
    cust_empty = _check_ids(problems, cust, "customer_id", True, "customer id")
    out["customer_id"] = cust

    attribute_columns: list[str] = []
    new_customers: list[str] = []
    if kind == "customers":
        out["name"] = _text(df[cols["name"]]) if "name" in cols else ""
        if "name" in cols:
            _check_ids(problems, out["name"], "name", False)
        if "signup_at" in cols:
            out["signup_at"] = _parse_dates(df[cols["signup_at"]], date_format)
            _check_date(problems, df[cols["signup_at"]], out["signup_at"], "signup_at", False)
        attribute_columns = rest
        if rest:
            attrs = df[rest]
            records = attrs.astype(object).where(attrs.notna(), None).to_dict("records")
            out["attributes"] = [
                json.dumps(
                    {k: _jsonable(v) for k, v in r.items() if not (isinstance(v, str) and v.strip() == "")},
                    ensure_ascii=False,
                    sort_keys=True,
                )
                for r in records
            ]
        out = _collapse_duplicates(
            problems,
            out,
            "customer_id",
            [c for c in ("name", "signup_at", "attributes") if c in out.columns],
            "customer_id",
            "customer id",
        )
        rest_ignored: list[str] = []
    else:
        time_field = "ordered_at" if kind == "orders" else "created_at"
        out[time_field] = _parse_dates(df[cols[time_field]], date_format)
        _check_date(problems, df[cols[time_field]], out[time_field], time_field, True)
        if kind == "orders":
            if "quantity" in cols:
                qty = _check_amount(problems, df[cols["quantity"]], "quantity", False, integer=True)
                out["quantity"] = qty.fillna(1.0)
            else:
                out["quantity"] = 1.0
            out["amount"] = _check_amount(problems, df[cols["amount"]], "amount", True, integer=False)
            id_field, value_cols = "order_id", ["customer_id", "ordered_at", "quantity", "amount"]
        else:
            out["channel"] = _text(df[cols["channel"]]) if "channel" in cols else ""
            if "channel" in cols:
                _check_ids(problems, out["channel"], "channel", False)
            out["text"] = _text(df[cols["text"]])
            problems.add(out["text"] == "", "text", lambda _i: "empty feedback text")
            id_field, value_cols = "feedback_id", ["customer_id", "created_at", "channel", "text"]
        out[id_field] = _text(df[cols[id_field]]) if id_field in cols else ""
        if id_field in cols:
            _check_ids(problems, out[id_field], id_field, False)
        # Unknown customers: the store's and this batch's customers count.
        known = known_customers or set()
        unknown = ~cust.isin(known) & ~cust_empty
        if create_customers:
            new_customers = sorted(set(cust[unknown]))
        else:
            problems.add(
                unknown,
                "customer_id",
                lambda i: f"unknown customer {_show(cust.iat[i])} (import customers first, or pass --create-customers)",
            )
        out = _collapse_duplicates(problems, out, id_field, value_cols, id_field, id_field.replace("_", " "))
        rest_ignored = rest

    problems.raise_if_any(kind, source, n)
    collapsed = n - len(out)

    if kind == "orders":
        out["quantity"] = out["quantity"].astype("int64")
        need = out["order_id"] == ""
        if need.any():
            sub = out[need]
            hashed = _hash_ids(
                "h:",
                [sub["customer_id"], _iso(sub["ordered_at"]), sub["quantity"].astype(str), _num_text(sub["amount"])],
            )
            out.loc[need, "order_id"] = hashed
        out = out.rename(columns={"order_id": "external_id"})
    elif kind == "feedback":
        need = out["feedback_id"] == ""
        if need.any():
            sub = out[need]
            hashed = _hash_ids("h:", [sub["customer_id"], _iso(sub["created_at"]), sub["channel"], sub["text"]])
            out.loc[need, "feedback_id"] = hashed
        out = out.rename(columns={"feedback_id": "external_id"})
    else:
        out = out.rename(columns={"customer_id": "external_id"})
    present = {k: v for k, v in cols.items() if k in specs}
    return Prepared(
        kind=kind,
        frame=out.drop(columns=["_row"]).reset_index(drop=True),
        rows=n,
        columns=present,
        ignored_columns=rest_ignored,
        attribute_columns=attribute_columns,
        new_customers=new_customers,
        duplicates_collapsed=collapsed,
    )


def _jsonable(v: Any) -> Any:
    # Attribute cells: text trimmed, the rest as plain JSON (NaN and NaT as null).
    return v.strip() if isinstance(v, str) else jsonable(v)


# ---------------------------------------------------------------------------------------------
# writing (bulk upserts)
# ---------------------------------------------------------------------------------------------


def _sqlite_datetimes(ts: pd.Series) -> list[str | None]:
    """SQLAlchemy's SQLite DATETIME text ("YYYY-MM-DD HH:MM:SS.ffffff"): range queries compare text."""
    arr = ts.to_numpy(dtype="datetime64[us]")
    strs = np.datetime_as_string(arr, unit="us").tolist()
    nat = np.isnat(arr)
    return [None if bad else s[:10] + " " + s[11:] for s, bad in zip(strs, nat.tolist(), strict=True)]


def _pg_datetimes(ts: pd.Series) -> list[str | None]:
    arr = ts.to_numpy(dtype="datetime64[us]")
    strs = np.datetime_as_string(arr, unit="us").tolist()
    return [None if bad else s for s, bad in zip(strs, np.isnat(arr).tolist(), strict=True)]


@dataclass(frozen=True)
class _Column:
    name: str
    pg_type: str
    kind: str = "text"  # text | int | float | datetime | json


# Columns cleared when another column changes: a changed feedback text makes its sentiment stale,
# so scoring picks the row up again.
_RESETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "feedback": ("text", ("sentiment_label", "sentiment_score", "sentiment_model")),
}


def _columns_for(kind: str, prepared: Prepared | None) -> list[_Column]:
    if kind == "customers":
        cols = [_Column("external_id", "text")]
        frame = prepared.frame if prepared is not None else pd.DataFrame()
        if prepared is None or "name" in prepared.columns:
            cols.append(_Column("name", "text"))
        if prepared is None or "signup_at" in prepared.columns:
            cols.append(_Column("signup_at", "timestamp", "datetime"))
        if "attributes" in frame.columns:
            cols.append(_Column("attributes", "json", "json"))
        return cols
    if kind == "orders":
        return [
            _Column("external_id", "text"),
            _Column("customer_id", "integer", "int"),
            _Column("ordered_at", "timestamp", "datetime"),
            _Column("quantity", "integer", "int"),
            _Column("amount", "double precision", "float"),
        ]
    return [
        _Column("external_id", "text"),
        _Column("customer_id", "integer", "int"),
        _Column("created_at", "timestamp", "datetime"),
        _Column("channel", "text"),
        _Column("text", "text"),
    ]


def _values(frame: pd.DataFrame, col: _Column, dialect: str) -> list[Any]:
    s = frame[col.name]
    if col.kind == "datetime":
        return _sqlite_datetimes(s) if dialect == "sqlite" else _pg_datetimes(s)
    if col.kind == "int":
        return [int(v) for v in s.tolist()]
    if col.kind == "float":
        return [float(v) for v in s.tolist()]
    # Text: "" means absent (optional fields); store NULL.
    return [v if isinstance(v, str) and v != "" else None for v in s.tolist()]


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _chunks(rows: list[Any], size: int = CHUNK_ROWS) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _sqlite_upsert(
    dbapi: Any,
    table: str,
    columns: Sequence[_Column],
    rows: list[tuple[Any, ...]],
    update: bool,
    total_before: int,
    tick: ProgressFn,
) -> tuple[int, int]:
    """SQLite: plain INSERT for new ids, a guarded UPDATE for known ones.

    ``INSERT .. ON CONFLICT DO UPDATE`` costs SQLite over twice a plain insert per row (measured);
    splitting on an indexed existence check keeps the first import at insert speed, and the guard
    (``WHERE .. IS NOT ..``) makes re-importing unchanged rows a lookup, not a rewrite.
    """
    names = [c.name for c in columns]
    data = names[1:]  # external_id first
    insert = (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        "ON CONFLICT (external_id) DO NOTHING"
    )
    k = len(data)
    sets = [f"{c} = ?{i + 1}" for i, c in enumerate(data)]
    if table in _RESETS and _RESETS[table][0] in data:
        trigger, cleared = _RESETS[table]
        j = data.index(trigger) + 1
        sets += [f"{c} = CASE WHEN {trigger} = ?{j} THEN {c} ELSE NULL END" for c in cleared]
    changed = " OR ".join(f"{c} IS NOT ?{i + 1}" for i, c in enumerate(data)) or "0"
    update_sql = f"UPDATE {table} SET {', '.join(sets)} WHERE external_id = ?{k + 1} AND ({changed})"
    inserted = updated = 0
    cur = dbapi.cursor()
    try:
        known: set[str] = set()
        if total_before > 0:
            for ids in _chunks([r[0] for r in rows], 900):
                q = f"SELECT external_id FROM {table} WHERE external_id IN ({', '.join('?' * len(ids))})"
                known.update(r[0] for r in cur.execute(q, ids))
        if known:
            old = [(*r[1:], r[0]) for r in rows if r[0] in known]
            for chunk in _chunks(old):
                if update and data:
                    cur.executemany(update_sql, chunk)
                    updated += max(cur.rowcount, 0)
                tick(len(chunk))
        # Sorted keys make the unique index's inserts local instead of random.
        new = sorted(r for r in rows if r[0] not in known) if known else sorted(rows)
        # A big load into a small table: drop the secondary indexes and rebuild them after (one sort
        # each instead of a random B-tree insert per row; about 40% less CPU at 1M rows). The DDL is
        # transactional, so a failure restores them; readers keep their WAL snapshot meanwhile.
        rebuild: list[str] = []
        if len(new) >= BULK_REBUILD_ROWS and len(new) >= total_before:
            rebuild = [
                r[0]
                for r in cur.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
                )
            ]
            for ddl in rebuild:
                cur.execute("DROP INDEX " + _index_name(ddl))
        for chunk in _chunks(new):
            cur.executemany(insert, chunk)
            inserted += max(cur.rowcount, 0)
            tick(len(chunk))
        for ddl in rebuild:
            cur.execute(ddl)
    finally:
        cur.close()
    return inserted, updated


def _index_name(ddl: str) -> str:
    m = re.match(r"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)", ddl, re.IGNORECASE)
    if m is None:
        raise InputError(f"cannot read an index name from {ddl!r}")
    return m.group(1)


def _pg_upsert(
    dbapi: Any, table: str, columns: Sequence[_Column], rows: list[tuple[Any, ...]], update: bool, tick: ProgressFn
) -> int:
    """PostgreSQL: COPY into a temp table, then one INSERT .. SELECT .. ON CONFLICT. Returns rows written."""
    names = [c.name for c in columns]
    data = [c for c in columns if c.name != "external_id"]
    tmp = f"_import_{table}"
    if update and data:
        sets = [f"{c.name} = excluded.{c.name}" for c in data]
        if table in _RESETS and _RESETS[table][0] in names:
            trigger, cleared = _RESETS[table]
            sets += [
                f"{c} = CASE WHEN {table}.{trigger} = excluded.{trigger} THEN {table}.{c} ELSE NULL END"
                for c in cleared
            ]

        def cmp(c: _Column, side: str) -> str:  # json has no equality operator; jsonb has
            return f"{side}.{c.name}::jsonb" if c.kind == "json" else f"{side}.{c.name}"

        old = ", ".join(cmp(c, table) for c in data)
        new = ", ".join(cmp(c, "excluded") for c in data)
        conflict = f"DO UPDATE SET {', '.join(sets)} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"
    else:
        conflict = "DO NOTHING"
    with dbapi.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {tmp}")
        cur.execute(f"CREATE TEMP TABLE {tmp} ({', '.join(f'{c.name} {c.pg_type}' for c in columns)})")
        with cur.copy(f"COPY {tmp} ({', '.join(names)}) FROM STDIN") as copy:
            for chunk in _chunks(rows):
                for row in chunk:
                    copy.write_row(row)
                tick(len(chunk))
        cur.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM {tmp} "
            f"ON CONFLICT (external_id) {conflict}"
        )
        written = max(cur.rowcount, 0)
        cur.execute(f"DROP TABLE {tmp}")
    return written


def bulk_upsert(
    conn: Connection,
    table: str,
    columns: Sequence[_Column],
    frame: pd.DataFrame,
    *,
    update: bool = True,
    advance: ProgressFn | None = None,
) -> tuple[int, int]:
    """Upsert ``frame`` into ``table`` keyed on external_id inside ``conn``'s transaction.

    ``columns`` start with external_id; only they are written (columns a file lacks stay as they
    are). Returns (inserted, updated); rows whose values are unchanged count in neither.
    ``update=False`` keeps existing rows untouched.
    """
    if frame.empty:
        return 0, 0
    dialect = conn.dialect.name
    rows = list(zip(*[_values(frame, c, dialect) for c in columns], strict=True))
    tick = advance or (lambda _n: None)
    before = _count(conn, table)
    dbapi = conn.connection.driver_connection
    if dialect == "sqlite":
        inserted, updated = _sqlite_upsert(dbapi, table, columns, rows, update, before, tick)
    elif dialect == "postgresql":
        written = _pg_upsert(dbapi, table, columns, rows, update, tick)
        inserted = _count(conn, table) - before
        updated = written - inserted
    else:
        raise InputError(f"importing into {dialect} is not supported; use SQLite or PostgreSQL")
    return inserted, updated


def customer_pk_map(conn: Connection) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in conn.execute(text("SELECT external_id, id FROM customers"))}


def write_prepared(
    conn: Connection, prepared: Prepared, *, progress: bool | None = None, label: str | None = None
) -> tuple[int, int, int]:
    """Write one validated frame in ``conn``'s transaction. Returns (inserted, updated, customers created)."""
    frame = prepared.frame
    created = 0
    if prepared.new_customers:
        new = pd.DataFrame({"external_id": prepared.new_customers})
        created, _ = bulk_upsert(conn, "customers", [_Column("external_id", "text")], new, update=False)
    if prepared.kind != "customers":
        pk = customer_pk_map(conn)
        frame = frame.assign(customer_id=frame["customer_id"].map(pk))
        if frame["customer_id"].isna().any():  # validated before; only a concurrent delete gets here
            raise InputError("a customer disappeared from the store during the import; nothing was imported")
    columns = _columns_for(prepared.kind, prepared)
    with progress_bar(label or f"importing {prepared.kind}", len(frame), progress) as advance:
        inserted, updated = bulk_upsert(conn, prepared.kind, columns, frame, advance=advance)
    if prepared.kind == "orders" and (inserted or updated or not rollup_fresh(conn)):
        # Same transaction as the lines: a committed rollup always matches them. An update may move a
        # line to another day, so the whole rollup is rebuilt rather than the days of the new lines.
        with stage("refreshing the order rollup", progress):
            refresh_rollup(conn)
    return inserted, updated, created


@contextmanager
def _fast_sqlite(conn: Connection) -> Iterator[None]:
    """A bigger page cache for this connection while bulk-writing (index inserts stay in memory)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    old = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(old or -2000)}")


# ---------------------------------------------------------------------------------------------
# public entry points
# ---------------------------------------------------------------------------------------------


def import_frame(
    engine: Engine,
    kind: str,
    df: pd.DataFrame,
    mapping: Mapping[str, str] | None = None,
    *,
    source: str = "<frame>",
    encoding: str | None = None,
    create_customers: bool = False,
    date_format: str | None = None,
    dry_run: bool = False,
    progress: bool | None = None,
) -> ImportResult:
    """Validate a whole frame, then upsert it in one transaction (nothing is written on any error)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    known: set[str] | None = None
    with stage(f"validating {len(df):,} {kind} rows from {source}", progress):
        if kind != "customers":
            with engine.connect() as conn:
                known = known_customer_ids(conn)
        prepared = prepare(
            kind,
            df,
            mapping,
            source=source,
            known_customers=known,
            create_customers=create_customers,
            date_format=date_format,
        )
    timings["validate"] = time.perf_counter() - t0
    inserted = updated = created = 0
    if not dry_run:
        t1 = time.perf_counter()
        with engine.begin() as conn, _fast_sqlite(conn):
            inserted, updated, created = write_prepared(conn, prepared, progress=progress)
        timings["write"] = time.perf_counter() - t1
    log.info(
        "%s %s from %s: %d rows, %d new, %d updated%s",
        "checked" if dry_run else "imported",
        kind,
        source,
        prepared.rows,
        inserted,
        updated,
        " (dry run)" if dry_run else "",
    )
    return ImportResult(
        kind=kind,
        source=source,
        rows=prepared.rows,
        inserted=inserted,
        updated=updated,
        unchanged=0 if dry_run else len(prepared.frame) - inserted - updated,
        encoding=encoding,
        columns=prepared.columns,
        ignored_columns=prepared.ignored_columns,
        created_customers=created if not dry_run else len(prepared.new_customers),
        duplicates_collapsed=prepared.duplicates_collapsed,
        timings=timings,
    )


def import_file(
    engine: Engine,
    kind: str,
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    encoding: str | None = None,
    create_customers: bool = False,
    date_format: str | None = None,
    dry_run: bool = False,
    progress: bool | None = None,
) -> ImportResult:
    """Import a CSV/TSV (UTF-8, UTF-8-BOM, GB18030 detected; ``encoding`` overrides) or Parquet file.

    ``mapping``: canonical field -> column in the file (``{"customer_id": "客户编号"}``). Raises
    ImportValidationError (every bad row) or InputError (unreadable file, missing column) and writes
    nothing in either case.
    """
    if kind not in SCHEMAS:
        raise InputError(f"unknown import kind {kind!r}; one of {', '.join(KINDS)}")
    t0 = time.perf_counter()
    with stage(f"reading {Path(path).name}", progress):
        df, enc = read_table(path, encoding)
    read_s = time.perf_counter() - t0
    result = import_frame(
        engine,
        kind,
        df,
        mapping,
        source=Path(path).name,
        encoding=enc,
        create_customers=create_customers,
        date_format=date_format,
        dry_run=dry_run,
        progress=progress,
    )
    result.timings = {"read": read_s, **result.timings}
    return result


def import_customers(engine: Engine, path: str | Path, **kwargs: Any) -> ImportResult:
    """Customers: customer_id (required), name, signup_at; any other column goes to attributes JSON."""
    return import_file(engine, "customers", path, **kwargs)


def import_orders(engine: Engine, path: str | Path, **kwargs: Any) -> ImportResult:
    """Orders: customer_id, ordered_at, amount (required), quantity (default 1), order_id."""
    return import_file(engine, "orders", path, **kwargs)


def import_feedback(engine: Engine, path: str | Path, **kwargs: Any) -> ImportResult:
    """Feedback: customer_id, created_at, text (required), channel, feedback_id."""
    return import_file(engine, "feedback", path, **kwargs)


def import_batch(
    engine: Engine,
    customers: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
    feedback: pd.DataFrame | None = None,
    *,
    progress: bool | None = None,
    before_write: Callable[[Connection], None] | None = None,
) -> dict[str, ImportResult]:
    """Validate customers, orders and feedback frames together, then write all in one transaction.

    Orders and feedback may refer to customers of the same batch. ``before_write(conn)`` runs inside
    the transaction before the upserts (the demo uses it to drop rows it no longer produces).
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    sizes = ", ".join(
        f"{len(f):,} {k}"
        for k, f in (("customers", customers), ("orders", orders), ("feedback", feedback))
        if f is not None
    )
    with stage(f"validating {sizes}", progress):
        with engine.connect() as conn:
            known = known_customer_ids(conn)
        prepared: dict[str, Prepared] = {}
        if customers is not None:
            prepared["customers"] = prepare("customers", customers, source="customers")
            known |= set(prepared["customers"].frame["external_id"])
        if orders is not None:
            prepared["orders"] = prepare("orders", orders, source="orders", known_customers=known)
        if feedback is not None:
            prepared["feedback"] = prepare("feedback", feedback, source="feedback", known_customers=known)
    timings["validate"] = time.perf_counter() - t0
    results: dict[str, ImportResult] = {}
    with engine.begin() as conn, _fast_sqlite(conn):
        if before_write is not None:
            before_write(conn)
        for kind, prep in prepared.items():
            t1 = time.perf_counter()
            inserted, updated, _created = write_prepared(conn, prep, progress=progress)
            results[kind] = ImportResult(
                kind=kind,
                source=kind,
                rows=prep.rows,
                inserted=inserted,
                updated=updated,
                unchanged=len(prep.frame) - inserted - updated,
                columns=prep.columns,
                duplicates_collapsed=prep.duplicates_collapsed,
                timings={"write": time.perf_counter() - t1},
            )
    for r in results.values():
        r.timings["validate"] = timings["validate"]
    return results
