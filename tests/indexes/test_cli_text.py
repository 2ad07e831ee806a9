"""CLI: setup, index build/update/status, search and themes over a tiny store."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from typer.testing import CliRunner

from crm_insights.cli import app
from crm_insights.store import Feedback

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_index_search_themes_commands(store: Any) -> None:
    res = run("search", "快递")
    assert res.exit_code == 1 and "crm-insights index build" in res.output

    res = run("index", "build")
    assert res.exit_code == 0, res.output
    assert "indexed 10 feedback texts" in res.output and "flat index" in res.output

    res = run("search", "退款没到账", "--k", "2", "--json")
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)
    assert len(hits) == 2 and set(hits[0]) == {"feedback_id", "customer_id", "text", "score", "created_at", "sentiment"}
    assert hits[0]["feedback_id"] in {store.ids["f03"], store.ids["f06"]}

    res = run("search", "delivery", "--customer", "C1", "--sentiment", "negative", "--since", "2024-01-01", "--json")
    assert [h["feedback_id"] for h in json.loads(res.output)] == [store.ids["f01"], store.ids["f10"]] or sorted(
        h["feedback_id"] for h in json.loads(res.output)
    ) == sorted([store.ids["f01"], store.ids["f10"]])
    res = run("search", "物流", "--k", "3")
    assert res.exit_code == 0 and "score" in res.output

    with store.engine.begin() as conn:
        conn.execute(delete(Feedback).where(Feedback.id == store.ids["f02"]))
    res = run("index", "status", "--json")
    report = json.loads(res.output)
    assert report["store"]["pending_removed"] == 1 and report["model_matches_config"] is True
    res = run("index", "update")
    assert res.exit_code == 0 and "1 removed" in res.output
    res = run("index", "status")
    assert res.exit_code == 0 and "9 x 384" in res.output

    res = run("themes", "--n", "2", "--json")
    out = json.loads(res.output)
    assert res.exit_code == 0 and out["n_themes"] == 2 and out["rows_considered"] == 9
    res = run("themes", "--n", "2")
    assert res.exit_code == 0 and "representative quotes" in res.output


def test_setup_reuses_a_current_conversion(base_model_dir: Any, monkeypatch: Any) -> None:
    from crm_insights.config import get_settings
    from crm_insights.encoders import base_model

    target = get_settings().base_model_dir
    target.parent.mkdir(parents=True)
    target.symlink_to(base_model_dir, target_is_directory=True)

    def no_convert(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("setup converted again")

    monkeypatch.setattr(base_model, "convert", no_convert)
    res = run("setup")
    assert res.exit_code == 0, res.output
    assert "base encoder ready" in res.output and "converter v1" in res.output


def test_cli_errors(store: Any) -> None:
    run("index", "build")
    res = run("search", "   ")
    assert res.exit_code == 1 and "empty" in res.output
    res = run("search", "x", "--sentiment", "angry")
    assert res.exit_code == 1 and "sentiment must be" in res.output
    res = run("search", "x", "--segment", "0")
    assert res.exit_code == 1 and "crm-insights train segments" in res.output
    res = run("search", "x", "--since", "2024-13-01")
    assert res.exit_code == 2
    res = run("themes", "--segment", "high value")
    assert res.exit_code == 1 and "crm-insights train segments" in res.output
