"""CLI: import (exit codes, reports), status --json, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_insights.cli import app

runner = CliRunner()


def test_import_ok_then_bad_file_exit_1(tmp_path: Path) -> None:
    customers = tmp_path / "c.csv"
    customers.write_text("客户编号,姓名\n00100,张三\n", encoding="utf-8")
    res = runner.invoke(app, ["import", "customers", str(customers), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["inserted"] == 1

    orders = tmp_path / "o.csv"
    orders.write_text("cid,日期,金额\n00100,2024-01-01,10\n00100,bad,-1\n", encoding="gb18030")
    res = runner.invoke(app, ["import", "orders", str(orders), "--map", "customer_id=cid", "--map", "ordered_at=日期"])
    assert res.exit_code == 1
    assert "row 2: ordered_at: unparseable date" in res.output
    assert "row 2: amount: negative amount" in res.output

    good = tmp_path / "o2.csv"
    good.write_text("cid,日期,金额\n00100,2024-01-01,10\n", encoding="gb18030")
    args = ["import", "orders", str(good), "--map", "customer_id=cid", "--map", "ordered_at=日期"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "1 new" in res.output and "gb18030" in res.output

    status = runner.invoke(app, ["status", "--json"])
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    assert report["counts"]["orders"] == 1 and report["counts"]["customers"] == 1


def test_import_errors_exit_1(tmp_path: Path) -> None:
    res = runner.invoke(app, ["import", "orders", str(tmp_path / "nope.csv")])
    assert res.exit_code == 1 and "no such file" in res.output
    f = tmp_path / "o.csv"
    f.write_text("customer_id,amount\n1,2\n")
    res = runner.invoke(app, ["import", "orders", str(f)])
    assert res.exit_code == 1 and "missing required column(s) for orders: ordered_at" in res.output
    res = runner.invoke(app, ["import", "orders", str(f), "--map", "bad"])
    assert res.exit_code == 1 and "FIELD=COLUMN" in res.output


def test_status_table_on_empty_store() -> None:
    res = runner.invoke(app, ["status"])
    assert res.exit_code == 0, res.output
    assert "customers" in res.output and "none trained yet" in res.output


def test_demo_command() -> None:
    res = runner.invoke(app, ["demo", "--feedback", "30", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["tables"]["orders"]["rows"] == 69_659 and report["tables"]["feedback"]["rows"] == 30


def test_metrics_command_errors_exit_1(tmp_path: Path) -> None:
    res = runner.invoke(app, ["metrics", "revenue", "--json"])
    assert res.exit_code == 1 and "crm-insights demo" in res.output
    res = runner.invoke(app, ["metrics", "turnover_x"])
    assert res.exit_code == 1 and "valid measures: revenue" in res.output


def test_metrics_command_filters_customers_by_spend() -> None:
    import lifetimes
    import pandas as pd

    from crm_insights.tools.context import reset_context

    reset_context()  # one CLI process per command: no tool context left by an earlier test's store
    assert runner.invoke(app, ["demo", "--feedback", "5"]).exit_code == 0
    res = runner.invoke(
        app,
        ["metrics", "buyers,revenue", "--since", "1997", "--until", "1997", "--min-customer-spend", "1000", "--json"],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    raw = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    df = pd.read_csv(raw, sep=r"\s+", header=None, names=["cid", "date", "n", "amount"], dtype={"date": str})
    df = df[df.date.str.fullmatch(r"\d{8}")].astype({"amount": float})  # the file may start with a header line
    spend = df[df.date.str.startswith("1997")].groupby("cid").amount.sum()
    assert out["total"] == int((spend >= 1000).sum())
    assert out["total_unfiltered"] == len(spend)
    assert out["share_of_all"] == pytest.approx((spend >= 1000).sum() / len(spend), abs=1e-4)
    # the top 20 spenders of all the data still buying in 1998, and bands with a range
    res = runner.invoke(
        app,
        ["metrics", "buyers", "--since", "1998", "--until", "1998", "--top-customers", "20"]
        + ["--filter-since", "1997", "--filter-until", "1998", "--json"],
    )
    assert res.exit_code == 0, res.output
    cid = df.cid.astype(int)
    top = df.groupby(cid).amount.sum().sort_values(ascending=False, kind="stable").head(20).index
    assert json.loads(res.stdout)["total"] == int(
        cid[df.date.str.startswith("1998")].loc[lambda c: c.isin(top)].nunique()
    )
    res = runner.invoke(app, ["metrics", "buyers", "--by", "purchase_count", "--band-starts", "1,2,3,6", "--json"])
    assert res.exit_code == 0, res.output
    days = df.assign(c=cid).drop_duplicates(["c", "date"]).groupby("c").size()
    assert [r["value"] for r in json.loads(res.stdout)["rows"]] == [
        int((days == 1).sum()),
        int((days == 2).sum()),
        int(days.between(3, 5).sum()),
        int((days >= 6).sum()),
    ]
    bad = runner.invoke(app, ["metrics", "buyers", "--by", "purchase_count", "--band-starts", "1,x"])
    assert bad.exit_code != 0
    # the January 1997 first buyers who bought again within 90 days of their first purchase day
    res = runner.invoke(
        app,
        ["metrics", "second_within_share", "--within-days", "90", "--since", "1997-01", "--until", "1997-01", "--json"],
    )
    assert res.exit_code == 0, res.output
    day = pd.to_datetime(df.date)
    pdays = df.assign(c=cid, d=day).drop_duplicates(["c", "d"]).sort_values(["c", "d"]).groupby("c").d
    firsts = pdays.min()
    seconds = pdays.apply(lambda s: s.iloc[1] if len(s) > 1 else pd.NaT)
    jan = firsts[(firsts >= "1997-01-01") & (firsts <= "1997-01-31")].index
    hit = ((seconds.loc[jan] - firsts.loc[jan]).dt.days <= 90).sum()
    assert json.loads(res.stdout)["total"] == pytest.approx(hit / len(jan), abs=1e-4)  # printed to 4 places
    assert runner.invoke(app, ["metrics", "second_within_share"]).exit_code == 1  # no --within-days: told
    reset_context()
