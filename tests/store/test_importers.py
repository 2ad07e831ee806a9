"""Importers on SQLite and PostgreSQL: happy paths, every class of bad row, idempotent re-imports."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select, text, update

from crm_insights.errors import ImportValidationError, InputError
from crm_insights.store import Customer, Feedback, Order, session_scope
from crm_insights.store.importers import (
    detect_encoding,
    import_batch,
    import_customers,
    import_feedback,
    import_file,
    import_orders,
    parse_mapping,
    read_table,
)

CUSTOMERS = "customer_id,name,signup_at,city\n00100,张三,2024-01-02,北京\n00101,李四,2024/02/03 10:30:00,上海\n"
ORDERS = (
    "order_id,customer_id,ordered_at,quantity,amount\n"
    "A1,00100,2024-03-01,2,10.50\n"
    "A2,00100,2024-03-05 12:00:00,,3\n"
    'A3,00101,20240306,1,"1,200.00"\n'
)
FEEDBACK = (
    "feedback_id,customer_id,created_at,channel,text\n"
    "F1,00100,2024-03-02,app,物流很快，包装完好\n"
    'F2,00101,2024-03-07,email,"质量一般, 客服态度差"\n'
)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        tables = ("customers", "orders", "feedback")
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def load_customers(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    import_customers(engine, write_csv("customers.csv", CUSTOMERS), progress=False)


# -- happy paths --------------------------------------------------------------------------------


def test_customers_csv(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    res = import_customers(engine, write_csv("customers.csv", CUSTOMERS), progress=False)
    assert (res.rows, res.inserted, res.updated, res.unchanged) == (2, 2, 0, 0)
    assert res.encoding == "utf-8"
    with session_scope(engine) as s:
        rows = {c.external_id: c for c in s.scalars(select(Customer))}
    assert set(rows) == {"00100", "00101"}  # ids verbatim, leading zeros kept
    assert rows["00100"].name == "张三"
    assert rows["00101"].signup_at == datetime(2024, 2, 3, 10, 30)
    assert rows["00100"].attributes == {"city": "北京"}


def test_orders_and_feedback_csv(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    res = import_orders(engine, write_csv("orders.csv", ORDERS), progress=False)
    assert (res.rows, res.inserted) == (3, 3)
    fb = import_feedback(engine, write_csv("feedback.csv", FEEDBACK), progress=False)
    assert (fb.rows, fb.inserted) == (2, 2)
    with session_scope(engine) as s:
        orders = {o.external_id: o for o in s.scalars(select(Order))}
        feedback = {f.external_id: f for f in s.scalars(select(Feedback))}
        by_pk = {c.id: c.external_id for c in s.scalars(select(Customer))}
    assert orders["A2"].quantity == 1  # empty quantity defaults to 1
    assert orders["A3"].amount == 1200.0  # thousands separator accepted
    assert orders["A3"].ordered_at == datetime(2024, 3, 6)
    assert by_pk[orders["A1"].customer_id] == "00100"
    assert feedback["F2"].text == "质量一般, 客服态度差"
    assert feedback["F1"].channel == "app"


def test_parquet(engine: Engine, tmp_path: Path) -> None:
    cust = pd.DataFrame({"customer_id": ["7", "8"], "signup_at": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    cust.to_parquet(tmp_path / "c.parquet")
    orders = pd.DataFrame(
        {
            "customer_id": [7, 8, 8],  # integer ids in Parquet become text ids
            "ordered_at": pd.to_datetime(["2024-02-01 10:00", "2024-02-02", "2024-02-03"], format="ISO8601"),
            "quantity": [1, 2, 3],
            "amount": [9.9, 20.0, 0.0],
        }
    )
    orders.to_parquet(tmp_path / "o.parquet")
    assert import_file(engine, "customers", tmp_path / "c.parquet", progress=False).inserted == 2
    res = import_file(engine, "orders", tmp_path / "o.parquet", progress=False)
    assert res.encoding is None and res.inserted == 3
    with session_scope(engine) as s:
        got = sorted((o.quantity, o.amount, o.ordered_at) for o in s.scalars(select(Order)))
    assert got[0] == (1, 9.9, datetime(2024, 2, 1, 10))


def test_column_mapping_and_chinese_aliases(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    path = write_csv("订单.csv", "客户编号,下单日期,件数,金额\n00100,2024-03-01,2,10\n00101,2024-03-02,1,5\n")
    # 客户编号 is a known alias; 下单日期 and 件数 are not, so they are mapped explicitly.
    res = import_orders(
        engine, path, mapping=parse_mapping(["ordered_at=下单日期", "quantity=件数", "amount=金额"]), progress=False
    )
    assert res.inserted == 2
    assert res.columns == {"customer_id": "客户编号", "ordered_at": "下单日期", "quantity": "件数", "amount": "金额"}


def test_utf8_bom(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("bom.csv", "\ufeff" + CUSTOMERS)
    res = import_customers(engine, path, progress=False)
    assert res.encoding == "utf-8-sig"
    assert res.columns["customer_id"] == "customer_id"  # the BOM is not glued to the first header
    assert counts(engine)["customers"] == 2


def test_gb18030(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    content = "客户编号,姓名,城市\n00100,王五,广州\n00102,赵六,深圳\n"
    path = write_csv("gb.csv", content, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really not UTF-8
    res = import_customers(engine, path, progress=False)
    assert res.encoding == "gb18030"
    with session_scope(engine) as s:
        c = s.scalars(select(Customer).where(Customer.external_id == "00102")).one()
    assert c.name == "赵六" and c.attributes == {"城市": "深圳"}


def test_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "big5.csv"
    path.write_bytes("customer_id,name\n1,陳大文\n".encode("big5"))
    df, enc = read_table(path, encoding="big5")
    assert enc == "big5" and df.loc[0, "name"] == "陳大文"


def test_detect_encoding() -> None:
    assert detect_encoding(b"a,b\n") == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfa,b\n") == "utf-8-sig"
    assert detect_encoding("名字\n".encode("gb18030")) == "gb18030"


def test_tsv_and_semicolon(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    res = import_customers(engine, write_csv("c.tsv", "customer_id\tname\n1\ta\n"), progress=False)
    assert res.inserted == 1
    res = import_customers(engine, write_csv("c2.csv", "customer_id;name\n2;b\n"), progress=False)
    assert res.inserted == 1


def test_create_customers_option(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    res = import_orders(engine, write_csv("o.csv", ORDERS), create_customers=True, progress=False)
    assert res.created_customers == 2 and res.inserted == 3
    assert counts(engine)["customers"] == 2


def test_customers_in_same_batch_count(engine: Engine) -> None:
    customers = pd.DataFrame({"customer_id": ["x1"]})
    orders = pd.DataFrame({"customer_id": ["x1"], "ordered_at": ["2024-01-01"], "amount": ["5"]})
    results = import_batch(engine, customers=customers, orders=orders, progress=False)
    assert results["orders"].inserted == 1
    assert counts(engine) == {"customers": 1, "orders": 1, "feedback": 0}


def test_dry_run_writes_nothing(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    res = import_customers(engine, write_csv("c.csv", CUSTOMERS), dry_run=True, progress=False)
    assert res.rows == 2 and res.inserted == 0
    assert counts(engine)["customers"] == 0


# -- bad input ----------------------------------------------------------------------------------


def problems_of(exc: pytest.ExceptionInfo[ImportValidationError]) -> set[tuple[int, str]]:
    return {(row, field) for row, field, _why in exc.value.problems}


def test_every_bad_row_reported_and_nothing_written(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    bad = (
        "customer_id,ordered_at,quantity,amount\n"
        "00100,2024-03-01,1,10\n"  # row 1: fine
        ",2024-03-01,1,10\n"  # row 2: missing customer id
        "00100,not-a-date,1,10\n"  # row 3: unparseable date
        "00100,2024-03-01,1,-5\n"  # row 4: negative amount
        "00100,2024-03-01,1,abc\n"  # row 5: non-numeric amount
        "00100,2024-03-01,-2,10\n"  # row 6: negative quantity
        "00100,2024-03-01,x,10\n"  # row 7: non-numeric quantity
        "00100,2024-03-01,1.5,10\n"  # row 8: fractional quantity
        "99999,2024-03-01,1,10\n"  # row 9: unknown customer
        "00100,,1,\n"  # row 10: missing date and amount
    )
    with pytest.raises(ImportValidationError) as exc:
        import_orders(engine, write_csv("bad.csv", bad), progress=False)
    assert problems_of(exc) == {
        (2, "customer_id"),
        (3, "ordered_at"),
        (4, "amount"),
        (5, "amount"),
        (6, "quantity"),
        (7, "quantity"),
        (8, "quantity"),
        (9, "customer_id"),
        (10, "ordered_at"),
        (10, "amount"),
    }
    reasons = {(r, f): why for r, f, why in exc.value.problems}
    assert "missing" in reasons[(2, "customer_id")]
    assert "unparseable date 'not-a-date'" in reasons[(3, "ordered_at")]
    assert "negative" in reasons[(4, "amount")]
    assert "not a number" in reasons[(5, "amount")]
    assert "unknown customer '99999'" in reasons[(9, "customer_id")]
    report = exc.value.report()
    assert "row 3: ordered_at: unparseable date" in report and "nothing was imported" in report
    assert counts(engine)["orders"] == 0  # the good row 1 was not written either


def test_feedback_bad_rows(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    bad = "customer_id,created_at,text\n00100,2024-01-01,   \n00100,2024-01-01,好\nnobody,2024-01-01,差\n"
    with pytest.raises(ImportValidationError) as exc:
        import_feedback(engine, write_csv("bad.csv", bad), progress=False)
    assert problems_of(exc) == {(1, "text"), (3, "customer_id")}
    assert "empty feedback text" in exc.value.problems[0][2]
    assert counts(engine)["feedback"] == 0


def test_customers_bad_rows_nothing_written(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    bad = "customer_id,name,signup_at\n1,a,2024-01-01\n,b,2024-01-01\n3,c,2024-13-45\n"
    with pytest.raises(ImportValidationError) as exc:
        import_customers(engine, write_csv("bad.csv", bad), progress=False)
    assert problems_of(exc) == {(2, "customer_id"), (3, "signup_at")}
    assert counts(engine)["customers"] == 0


def test_duplicate_ids_in_file(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    dup = (
        "order_id,customer_id,ordered_at,amount\n"
        "A1,00100,2024-03-01,10\n"
        "A1,00100,2024-03-01,10\n"  # exact repeat: collapsed, not an error
        "B1,00100,2024-03-01,10\n"
        "B1,00100,2024-03-01,11\n"  # same id, different amount: conflict
    )
    with pytest.raises(ImportValidationError) as exc:
        import_orders(engine, write_csv("dup.csv", dup), progress=False)
    assert problems_of(exc) == {(4, "order_id")}
    assert "different from row 3" in exc.value.problems[0][2]
    ok = import_orders(engine, write_csv("ok.csv", dup.rsplit("B1,", 2)[0]), progress=False)
    assert ok.rows == 2 and ok.inserted == 1 and ok.duplicates_collapsed == 1


def test_duplicate_customer_conflict(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportValidationError) as exc:
        import_customers(engine, write_csv("c.csv", "customer_id,name\n1,a\n1,b\n"), progress=False)
    assert problems_of(exc) == {(2, "customer_id")}


def test_missing_required_column(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as exc:
        import_orders(engine, write_csv("o.csv", "customer_id,when,price\n1,2024-01-01,3\n"), progress=False)
    msg = str(exc.value)
    assert "ordered_at" in msg and "amount" in msg and "columns found: customer_id, when, price" in msg


def test_bad_mapping(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("o.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match="no column 'zzz'"):
        import_orders(engine, path, mapping={"customer_id": "zzz"}, progress=False)
    with pytest.raises(InputError, match="no field 'colour'"):
        import_orders(engine, path, mapping={"colour": "a"}, progress=False)
    with pytest.raises(InputError, match="FIELD=COLUMN"):
        parse_mapping(["customer_id"])


def test_report_limits_to_20_then_counts(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"{i},2024-01-01,oops\n" for i in range(30))
    with pytest.raises(ImportValidationError) as exc:
        import_orders(engine, write_csv("o.csv", "customer_id,ordered_at,amount\n" + rows), progress=False)
    assert exc.value.total == 60  # unknown customer + bad amount on each of 30 rows
    report = exc.value.report()
    assert report.count("\n  row ") == 20 and "and 40 more problem(s)" in report


def test_unreadable_inputs(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_customers(engine, tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        import_customers(engine, tmp_path / "empty.csv")
    (tmp_path / "latin.csv").write_bytes(b"customer_id,name\n1,\xff\xfe\xfa\n")
    with pytest.raises(InputError, match="--encoding"):
        import_customers(engine, tmp_path / "latin.csv")


# -- idempotency ----------------------------------------------------------------------------------


def test_reimport_is_idempotent_and_updates_values(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    import_orders(engine, write_csv("orders.csv", ORDERS), progress=False)
    import_feedback(engine, write_csv("feedback.csv", FEEDBACK), progress=False)
    before = counts(engine)

    again = import_orders(engine, write_csv("orders.csv", ORDERS), progress=False)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert counts(engine) == before

    changed = import_orders(engine, write_csv("orders2.csv", ORDERS.replace("10.50", "12.00")), progress=False)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    cust = import_customers(engine, write_csv("c2.csv", CUSTOMERS.replace("张三", "张三丰")), progress=False)
    assert (cust.inserted, cust.updated) == (0, 1)
    assert counts(engine) == before
    with session_scope(engine) as s:
        assert s.scalars(select(Order.amount).where(Order.external_id == "A1")).one() == 12.0
        assert s.scalars(select(Customer.name).where(Customer.external_id == "00100")).one() == "张三丰"


def test_changed_feedback_text_clears_sentiment(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    import_feedback(engine, write_csv("f.csv", FEEDBACK), progress=False)
    with session_scope(engine) as s:
        s.execute(update(Feedback).values(sentiment_label="positive", sentiment_score=0.9, sentiment_model="m1"))
    import_feedback(engine, write_csv("f2.csv", FEEDBACK.replace("物流很快", "物流很慢")), progress=False)
    with session_scope(engine) as s:
        got = {f.external_id: f.sentiment_label for f in s.scalars(select(Feedback))}
    assert got == {"F1": None, "F2": "positive"}  # only the changed text lost its stale label


def test_orders_without_id_keep_identical_lines(engine: Engine, write_csv) -> None:  # type: ignore[no-untyped-def]
    load_customers(engine, write_csv)
    # CDNOW-style: two identical lines are two purchases.
    content = "customer_id,ordered_at,quantity,amount\n00100,1997-01-01,1,11.77\n00100,1997-01-01,1,11.77\n"
    first = import_orders(engine, write_csv("o.csv", content), progress=False)
    assert first.inserted == 2 and first.duplicates_collapsed == 0
    again = import_orders(engine, write_csv("o.csv", content), progress=False)
    assert again.inserted == 0
    # The same content written differently (12:00 vs 12:00:00, 11.770) gets the same ids.
    alt = "customer_id,ordered_at,quantity,amount\n00100,1997-01-01 00:00:00,1,11.770\n00100,19970101,1,11.77\n"
    assert import_orders(engine, write_csv("o2.csv", alt), progress=False).inserted == 0
    with session_scope(engine) as s:
        ids = s.scalars(select(Order.external_id)).all()
    assert len(set(ids)) == 2 and all(i.startswith("h:") for i in ids)


def test_hash_ids_are_stable() -> None:
    """Pinned: changing the content-hash scheme would duplicate every re-imported order."""
    from crm_insights.store.importers import prepare

    df = pd.DataFrame({"customer_id": ["00100", "00100"], "ordered_at": ["1997-01-01"] * 2, "amount": ["11.77"] * 2})
    prep = prepare("orders", df, known_customers={"00100"})
    canonical = "00100\x1f1997-01-01T00:00:00.000000\x1f1\x1f11.77\x1f{}"  # id, time (us), qty, amount, occurrence
    expected = ["h:" + hashlib.sha1(canonical.format(i).encode()).hexdigest()[:32] for i in range(2)]
    assert prep.frame["external_id"].tolist() == expected


def test_large_import_rebuilds_indexes(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk path (secondary indexes dropped and rebuilt on SQLite) keeps the schema intact."""
    from sqlalchemy import inspect

    from crm_insights.store import importers

    monkeypatch.setattr(importers, "BULK_REBUILD_ROWS", 10)
    cust = pd.DataFrame({"customer_id": [f"c{i}" for i in range(5)]})
    orders = pd.DataFrame(
        {
            "customer_id": [f"c{i % 5}" for i in range(50)],
            "ordered_at": pd.date_range("2024-01-01", periods=50, freq="D"),
            "amount": range(50),
        }
    )
    before = {ix["name"] for ix in inspect(engine).get_indexes("orders")}
    res = import_batch(engine, customers=cust, orders=orders, progress=False)
    assert res["orders"].inserted == 50
    assert {ix["name"] for ix in inspect(engine).get_indexes("orders")} == before
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM orders WHERE ordered_at >= :t"), {"t": datetime(2024, 2, 1)})
        assert n.scalar_one() == 19  # the rebuilt index answers range queries on the stored text


def test_awkward_text_round_trips(engine: Engine) -> None:
    """Tabs, backslashes, a literal \\N, quotes and newlines survive COPY (PostgreSQL) and executemany."""
    texts = ["tab\there", "back\\slash \\N", 'quote "x", comma', "line1\nline2", "表情😀"]
    feedback = pd.DataFrame(
        {"customer_id": ["c"] * len(texts), "created_at": ["2024-01-01"] * len(texts), "text": texts}
    )
    import_batch(engine, customers=pd.DataFrame({"customer_id": ["c"], "note": ["a\\b\tc"]}), feedback=feedback)
    with session_scope(engine) as s:
        assert sorted(s.scalars(select(Feedback.text))) == sorted(texts)
        assert s.scalars(select(Customer.attributes)).one() == {"note": "a\\b\tc"}
