"""K-means segments: k selection, ranking, naming, reasons, references, artifact reload, assignments, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from crm_insights.analytics.artifacts import registry
from crm_insights.analytics.features import compute_features
from crm_insights.analytics.segmentation import (
    NAME_RULES,
    SegmentModel,
    _unique_names,
    fit_segments,
    name_segment,
    segment_levels,
    train_segments,
    value_tier,
)
from crm_insights.config import get_settings, load_settings
from crm_insights.errors import InputError, NotFoundError, NotReadyError
from crm_insights.store import Customer, Order, SegmentAssignment, init_store, make_engine, migrate, session_scope

AS_OF = datetime(2024, 1, 1)
START = datetime(2023, 1, 1)


def _behaviour_orders(seed: int = 3, per_group: int = 20) -> list[tuple[str, datetime, float]]:
    """Three clear groups: frequent big spenders, lapsed one-off buyers, and brand-new buyers."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, datetime, float]] = []
    for i in range(per_group):
        vip = f"{i:05d}"  # source ids with leading zeros, as CDNOW has them
        for day in sorted(rng.choice(360, size=int(rng.integers(10, 16)), replace=False)):
            rows.append((vip, START + timedelta(days=int(day)), float(rng.uniform(80, 200))))
        lapsed = f"L{i:03d}"
        for day in rng.choice(60, size=int(rng.integers(1, 3)), replace=False):
            rows.append((lapsed, START + timedelta(days=int(day)), float(rng.uniform(5, 20))))
        new = f"N{i:03d}"
        rows.append((new, AS_OF - timedelta(days=int(rng.integers(1, 20))), float(rng.uniform(10, 40))))
    return rows


def _store(url: str | None = None, rows: list[tuple[str, datetime, float]] | None = None) -> Engine:
    if url is None:
        engine = init_store(get_settings())
    else:
        engine = make_engine(url)
        migrate(engine)
    rows = rows if rows is not None else _behaviour_orders()
    with session_scope(engine) as s:
        customers = {cid: Customer(external_id=cid) for cid in sorted({r[0] for r in rows})}
        s.add_all(customers.values())
        s.flush()
        s.add_all(
            Order(external_id=f"o{i}", customer_id=customers[c].id, ordered_at=t, quantity=1, amount=a)
            for i, (c, t, a) in enumerate(rows)
        )
    return engine


def _frame() -> pd.DataFrame:
    orders = pd.DataFrame(_behaviour_orders(), columns=["customer_id", "ordered_at", "amount"])
    frame, _ = compute_features(orders, AS_OF)
    return frame


@pytest.fixture
def trained() -> tuple[Engine, SegmentModel]:
    engine = _store()
    info = train_segments(engine, get_settings(), as_of=AS_OF, progress=False)
    return engine, SegmentModel.load(version=info.version)


def test_train_writes_artifact_and_assignments(store_url: str) -> None:
    engine = _store(store_url)
    settings = get_settings()
    info = train_segments(engine, settings, as_of=AS_OF, progress=False)
    cfg = settings.segmentation
    m = info.metrics
    # Every k of the configured range was tried and scored; the best one won.
    assert sorted(int(k) for k in m["silhouette"]) == list(range(cfg.k_min, cfg.k_max + 1))
    assert cfg.k_min <= m["k"] <= cfg.k_max
    assert m["silhouette"][str(m["k"])] == max(m["silhouette"].values())
    assert set(m["inertia"]) == set(m["silhouette"])
    assert sum(m["sizes"]) == m["n_customers"] == 60
    assert info.config["as_of"] == AS_OF.isoformat()
    assert registry(settings).latest("segments").version == info.version  # type: ignore[union-attr]

    with engine.connect() as conn:
        rows = conn.execute(
            select(Customer.external_id, SegmentAssignment.segment)
            .join(Customer, Customer.id == SegmentAssignment.customer_id)
            .where(SegmentAssignment.model_version == info.version)
        ).all()
    assert len(rows) == m["assignments_written"] == 60
    model = SegmentModel.load(settings)
    assert model.version == info.version
    by_db = {cid: seg for cid, seg in rows}
    stored = model.stored_assignments(engine)
    assert dict(zip(stored["customer_id"], stored["segment"], strict=True)) == by_db
    assert set(model.stored_assignments(engine, "segment 0")["customer_id"]) == set(model.members(0))
    for seg in model.segments():
        assert sorted(model.members(seg["segment"])) == sorted(c for c, s in by_db.items() if s == seg["segment"])
    engine.dispose()


def test_segments_are_ranked_named_and_profiled(trained: tuple[Engine, SegmentModel]) -> None:
    _, model = trained
    segs = model.segments()
    assert [s["segment"] for s in segs] == list(range(model.k))
    avg = [s["avg_revenue"] for s in segs]
    assert avg == sorted(avg, reverse=True)  # segment 0 = most valuable
    assert sum(s["size"] for s in segs) == 60
    assert sum(s["share_customers"] for s in segs) == pytest.approx(1.0, abs=1e-4)
    assert sum(s["revenue_share"] for s in segs) == pytest.approx(1.0, abs=1e-4)
    assert len({s["name_zh"] for s in segs}) == len({s["name_en"] for s in segs}) == model.k
    top = segs[0]
    # The frequent big spenders: the top segment holds them, and its centroid is in original units.
    assert model.members(0) and set(model.members(0)) <= {f"{i:05d}" for i in range(20)}
    assert top["centroid"]["frequency"] > 5
    assert top["name_en"].startswith("high-value")
    assert any(
        d["feature"] in ("frequency", "monetary_total") and d["direction"] == "higher" for d in top["distinguishing"]
    )
    for d in top["distinguishing"]:
        assert abs(d["z"]) >= 0.5 and {"value", "overall", "label_zh", "label_en"} <= set(d)


def test_fit_is_reproducible_with_the_seed() -> None:
    cfg = load_settings().segmentation
    frame = _frame()
    a = fit_segments(frame, cfg)
    b = fit_segments(frame, cfg)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_allclose(a.centroids_z, b.centroids_z)
    assert [s["name_en"] for s in a.segments] == [s["name_en"] for s in b.segments]
    assert a.silhouette == b.silhouette


def test_reproducible_through_the_store(trained: tuple[Engine, SegmentModel]) -> None:
    engine, first = trained
    info = train_segments(engine, get_settings(), as_of=AS_OF, progress=False)
    second = SegmentModel.load(version=info.version)
    assert second.version != first.version
    assert first.table["segment"].equals(second.table["segment"])
    assert [s["name_zh"] for s in first.segments()] == [s["name_zh"] for s in second.segments()]


def test_an_order_after_as_of_changes_nothing(trained: tuple[Engine, SegmentModel]) -> None:
    engine, before = trained
    with session_scope(engine) as s:
        pk = s.scalar(select(Customer.id).where(Customer.external_id == "L000"))
        s.add(Order(external_id="late", customer_id=pk, ordered_at=AS_OF + timedelta(days=3), quantity=1, amount=9e5))
    info = train_segments(engine, get_settings(), as_of=AS_OF, progress=False)
    after = SegmentModel.load(version=info.version)
    pd.testing.assert_frame_equal(before.table, after.table)
    assert before.segments() == after.segments()


def test_fixed_k_and_its_bounds() -> None:
    cfg = load_settings().segmentation
    frame = _frame()
    fit = fit_segments(frame, cfg, k=4)
    assert fit.k == 4 and list(fit.silhouette) == [4] and len(fit.segments) == 4
    with pytest.raises(InputError, match="k=60"):
        fit_segments(frame, cfg, k=60)
    with pytest.raises(InputError, match="at least 3 customers"):
        fit_segments(frame.head(2), cfg)
    # A range wider than the data allows is clamped to n - 1.
    small = fit_segments(frame.iloc[::12], cfg)  # 5 customers
    assert max(small.silhouette) == 4


def test_name_rule_table() -> None:
    assert name_segment({"recency": "recent", "frequency": "high", "monetary": "high", "tenure": "high"})["en"] == (
        "active"
    )
    assert name_segment({"recency": "lapsed", "frequency": "mid", "monetary": "high", "tenure": "high"})["zh"] == (
        "流失风险客户"
    )
    assert (
        name_segment({"recency": "lapsed", "frequency": "low", "monetary": "low", "tenure": "high"})["en"] == "dormant"
    )
    assert name_segment({"recency": "recent", "frequency": "low", "monetary": "low", "tenure": "low"})["zh"] == "新客户"
    assert name_segment({"recency": "mid", "frequency": "mid", "monetary": "mid", "tenure": "mid"})["en"] == "average"
    assert NAME_RULES[-1]["when"] == {}
    # Behaviour names and keywords never carry a tier's words: those name one segment each.
    tier_words = ("高价值", "低价值", "普通客户", "high-value", "low-value", "high value", "low value")
    for rule in NAME_RULES:
        for word in (rule["zh"], rule["en"], *rule["keywords"]):
            assert not any(t in word for t in tier_words), (rule["en"], word)
    assert [value_tier(r, 3) for r in range(3)] == ["high", "regular", "low"]
    assert [value_tier(r, 5) for r in range(5)] == ["high", None, None, None, "low"]
    assert [value_tier(r, 2) for r in range(2)] == ["high", "low"]


def _tier_frame() -> pd.DataFrame:
    """Many customers in several behaviour groups, so k up to 8 is meaningful."""
    rng = np.random.default_rng(11)
    rows: list[tuple[str, datetime, float]] = []
    groups = [(14, 80, 200, 0), (6, 20, 60, 0), (2, 5, 20, 300), (1, 5, 15, 0), (3, 30, 90, 200), (8, 10, 30, 180)]
    for g, (n_days, lo, hi, start) in enumerate(groups):
        for i in range(25):
            cid = f"g{g}-{i:03d}"
            for day in rng.choice(
                np.arange(start, 360), size=int(rng.integers(max(1, n_days - 2), n_days + 2)), replace=False
            ):
                rows.append((cid, START + timedelta(days=int(day)), float(rng.uniform(lo, hi))))
    frame, _ = compute_features(pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"]), AS_OF)
    return frame


def test_k3_names_are_the_value_tiers() -> None:
    fit = fit_segments(_frame(), load_settings().segmentation, k=3)
    assert [s["name_zh"] for s in fit.segments] == ["高价值客户", "普通客户", "低价值客户"]
    assert [s["name_en"] for s in fit.segments] == ["high-value", "regular", "low-value"]
    assert [s["tier"] for s in fit.segments] == ["high", "regular", "low"]
    # the behaviour profile stays, and its words still find the segment
    for s in fit.segments:
        assert s["behaviour"]["en"] in s["keywords"] and s["behaviour"]["zh"] in s["keywords"]


@pytest.mark.parametrize("k", [5, 6, 7, 8])
def test_names_are_distinct_and_tier_words_unique_for_any_k(k: int) -> None:
    fit = fit_segments(_tier_frame(), load_settings().segmentation, k=k)
    zh = [s["name_zh"] for s in fit.segments]
    en = [s["name_en"] for s in fit.segments]
    assert len(set(zh)) == len(set(en)) == k
    assert [n for n in zh if "高价值" in n] == ["高价值客户"] and zh[0] == "高价值客户"
    assert [n for n in zh if "低价值" in n] == ["低价值客户"] and zh[-1] == "低价值客户"
    assert [n for n in en if "high-value" in n] == ["high-value"]


def test_segment_means_match_pandas() -> None:
    frame = _tier_frame()
    fit = fit_segments(frame, load_settings().segmentation, k=4)
    total = frame["monetary_total"].sum()
    for s in fit.segments:
        part = frame[fit.labels == s["segment"]]
        means = s["means"]
        assert means["recency_days"] == pytest.approx(part["recency_days"].mean(), abs=1e-3)
        assert means["frequency"] == pytest.approx(part["frequency"].mean(), abs=1e-3)
        assert means["monetary_total"] == pytest.approx(part["monetary_total"].mean(), abs=1e-3)
        assert means["aov"] == pytest.approx(part["monetary_total"].sum() / part["frequency"].sum(), abs=1e-3)
        assert s["revenue_share"] == pytest.approx(part["monetary_total"].sum() / total, abs=1e-5)


def test_levels_respect_absolute_bounds() -> None:
    pct = {"recency_days": 0.2, "frequency": 0.5, "monetary_total": 0.9, "tenure_days": 0.1}
    fresh = {"recency_days": 20.0, "tenure_days": 60.0}
    assert segment_levels(pct, fresh) == {"recency": "recent", "frequency": "mid", "monetary": "high", "tenure": "low"}
    # Low terciles where everyone is old and lapsed (one early cohort) are not "recent" or "new" ...
    stale = {"recency_days": 277.0, "tenure_days": 450.0}
    assert segment_levels(pct, stale)["recency"] == "mid" and segment_levels(pct, stale)["tenure"] == "mid"
    # ... and a year without a purchase is lapsed even when most customers lapsed longer ago.
    mid = {**pct, "recency_days": 0.5}
    assert segment_levels(mid, {"recency_days": 470.0, "tenure_days": 500.0})["recency"] == "lapsed"
    assert len({r["en"] for r in NAME_RULES}) == len({r["zh"] for r in NAME_RULES}) == len(NAME_RULES)


def test_namesakes_are_disambiguated() -> None:
    features = ["recency_days", "frequency", "monetary_total"]

    def seg(i: int, z: list[float]) -> dict:
        return {
            "segment": i,
            "name_zh": "一般客户",
            "name_en": "regular",
            "rule": "regular",
            "centroid_z": dict(zip(features, z, strict=True)),
        }

    segs = [seg(0, [0.0, 1.0, 0.2]), seg(1, [0.0, -1.0, 0.1]), seg(2, [0.0, -1.0, 0.1])]
    _unique_names(segs, features)
    assert segs[0]["name_en"] == "regular (frequent)" and segs[0]["name_zh"] == "一般客户（高频）"
    # Identical twins get the same qualifier, so the later one is numbered.
    assert segs[1]["name_en"] == "regular (infrequent)"
    assert segs[2]["name_en"] == "regular (infrequent) 2"
    assert len({s["name_zh"] for s in segs}) == 3
    # Many segments on little data still come out with unique names.
    fit = fit_segments(_frame(), load_settings().segmentation, k=8)
    assert len({s["name_zh"] for s in fit.segments}) == len({s["name_en"] for s in fit.segments}) == 8


def test_describe_resolves_ids_names_and_phrases(trained: tuple[Engine, SegmentModel]) -> None:
    _, model = trained
    segs = model.segments()
    last = model.k - 1
    assert model.describe(1)["segment"] == 1
    for ref in ("1", "segment 1", "Segment #1", "第1类", "第一类", "1号", "cluster 1"):
        out = model.describe(ref)
        assert out["segment"] == 1 and out["matched"]["by"] == "id", ref
    for s in segs:
        assert model.describe(s["name_zh"])["segment"] == s["segment"]
        assert model.describe(s["name_en"].upper())["segment"] == s["segment"]
        assert model.describe(s["name_en"])["matched"]["by"] == "name"
    hv = model.describe("the high value customers")
    assert "high-value" in hv["name_en"] and hv["matched"]["by"] == "phrase"
    assert hv["segment"] not in hv["matched"]["also"]  # equally good other matches, if any, are listed
    # A keyword-only phrase goes to the most valuable segment it fits.
    assert model.describe("VIP")["segment"] == min(s["segment"] for s in model._segments if "vip" in s["keywords"])
    assert model.describe("high value")["segment"] == hv["segment"]
    assert "高价值" in model.describe("高价值")["name_zh"]
    assert model.describe("高价值")["matched"]["also"] == []  # one segment, not two
    assert "高价值" in model.describe("高价值客户有哪些特点")["name_zh"]
    described = model.describe(0)
    assert described["top_members"] and described["model_version"] == model.version
    with pytest.raises(NotFoundError, match=f"0..{last}"):
        model.describe(f"segment {model.k + 5}")
    with pytest.raises(NotFoundError, match="no segment matches"):
        model.describe("purple elephants")
    with pytest.raises(InputError):
        model.describe("  ")


def test_assign_explains_in_z_units(trained: tuple[Engine, SegmentModel]) -> None:
    _, model = trained
    out = model.assign("00003")
    assert out["segment"] == 0  # a frequent big spender lands in the most valuable segment
    assert out["name_zh"] == model.segments()[0]["name_zh"]
    reasons = {r["feature"]: r for r in out["reason"]}
    assert set(reasons) == set(model.features)
    row = model.table.loc["00003"]
    for f, r in reasons.items():
        assert r["value"] == pytest.approx(row[f], rel=1e-3)
        assert r["centroid"] == model.segments()[0]["centroid"][f]
        assert r["gap"] == pytest.approx(r["z"] - r["centroid_z"], abs=2e-3)
    assert reasons["frequency"]["z"] > 0.5 and reasons["monetary_total"]["z"] > 0.5
    assert out["margin"] >= 0  # nearer its own centroid than any other
    # A user typing 3 means source id "00003"; unknown ids are a clear NotFoundError.
    assert model.assign("3")["customer_id"] == "00003"
    with pytest.raises(NotFoundError, match="not in segments model"):
        model.assign("nobody")


def test_one_purchase_customer_is_assigned_with_a_reason(trained: tuple[Engine, SegmentModel]) -> None:
    _, model = trained
    single = model.table.index[model.table["frequency"] == 1][0]
    out = model.assign(single)
    reasons = {r["feature"]: r for r in out["reason"]}
    assert reasons["interpurchase_days"]["value"] == reasons["tenure_days"]["value"]
    assert all(np.isfinite(r["z"]) for r in out["reason"])


def test_cutoff_before_any_data_and_no_model_yet() -> None:
    engine = _store()
    with pytest.raises(InputError, match="no orders before the cutoff 2000-01-01"):
        train_segments(engine, get_settings(), as_of=datetime(2000, 1, 1), progress=False)
    with pytest.raises(NotReadyError, match="crm-insights train segments"):
        SegmentModel.load()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SegmentAssignment)) == 0


def test_artifact_reloads_in_a_new_process(trained: tuple[Engine, SegmentModel], isolated_settings: Path) -> None:
    _, model = trained
    code = (
        "import json; from crm_insights.analytics.segmentation import SegmentModel; "
        "m = SegmentModel.load(); "
        "print(json.dumps({'version': m.version, 'segments': m.segments(), 'assign': m.assign('00001'), "
        "'describe': m.describe('high value')['segment']}, ensure_ascii=False))"
    )
    env = {**os.environ, "CRM_INSIGHTS_HOME": str(isolated_settings)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True)
    data = json.loads(out.stdout)
    assert data["version"] == model.version
    assert data["segments"] == json.loads(json.dumps(model.segments()))
    assert data["assign"] == json.loads(json.dumps(model.assign("00001")))
    assert data["describe"] == model.describe("high value")["segment"]
    # The model predicts the same segments for its own training rows.
    np.testing.assert_array_equal(model.predict(model.table[model.features]), model.table["segment"].to_numpy())


def test_cli_train_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights import cli

    app = cli.app
    monkeypatch.setattr(cli.console, "width", 250)  # the test terminal is narrow; keep names on one line
    _store()
    runner = CliRunner()
    result = runner.invoke(app, ["train", "segments", "--k", "3", "--as-of", "2024-01-01"])
    assert result.exit_code == 0, result.output
    assert "3 segments of 60 customers as of 2024-01-01" in result.output
    model = SegmentModel.load()
    for s in model.segments():
        assert s["name_en"] in result.output
    result = runner.invoke(app, ["train", "segments", "--as-of", "1999-01-01"])
    assert result.exit_code == 1
    assert "no orders before the cutoff 1999-01-01" in result.output
    result = runner.invoke(app, ["train", "segments", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["artifact"]["metrics"]["k"] == 3 and len(data["segments"]) == 3


def test_silhouette_scores_match_scikit_learn() -> None:
    from sklearn.metrics import silhouette_score

    from crm_insights.analytics.segmentation import silhouette_scores

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 5))
    labelings = [rng.integers(0, k, 400) for k in (2, 3, 6)] + [np.r_[np.zeros(399, int), 1]]
    ours = silhouette_scores(x, labelings, chunk=64)
    np.testing.assert_allclose(ours, [silhouette_score(x, lab) for lab in labelings], atol=1e-12)
    assert silhouette_scores(x, [np.zeros(400, int)]) == [-1.0]


def test_large_path_selects_k_on_a_sample_then_refits_everyone() -> None:
    orders = pd.DataFrame(_behaviour_orders(per_group=400), columns=["customer_id", "ordered_at", "amount"])
    frame, _ = compute_features(orders, AS_OF)
    cfg = load_settings().segmentation.model_copy(update={"selection_sample": 1000, "minibatch_threshold": 500})
    fit = fit_segments(frame, cfg)
    assert fit.algorithm == "MiniBatchKMeans" and fit.selection_rows == 1000 and len(fit.labels) == 1200
    assert cfg.k_min <= fit.k <= cfg.k_max and "refit_s" in fit.timings
    again = fit_segments(frame, cfg)
    np.testing.assert_array_equal(fit.labels, again.labels)


def test_negative_feedback_share_joins_the_model_when_labels_exist() -> None:
    from crm_insights.store import Feedback

    engine = _store()
    with session_scope(engine) as s:
        for i, (cid, label) in enumerate([("L000", "negative"), ("L001", "negative"), ("00002", "positive")]):
            pk = s.scalar(select(Customer.id).where(Customer.external_id == cid))
            s.add(
                Feedback(
                    external_id=f"f{i}",
                    customer_id=pk,
                    created_at=START + timedelta(days=70),
                    text="t",
                    sentiment_label=label,
                )
            )
    info = train_segments(engine, get_settings(), as_of=AS_OF, progress=False)
    model = SegmentModel.load(version=info.version)
    assert model.features[-1] == "negative_share"
    assert info.config["feature_notes"]["customers_with_labelled_feedback"] == 3
    reasons = {r["feature"]: r for r in model.assign("L000")["reason"]}
    assert reasons["negative_share"]["value"] == 1.0 and reasons["negative_share"]["z"] > 0
    assert reasons["negative_share"]["label_zh"] == "负面反馈占比"


def test_timezone_aware_cutoff_means_the_same_instant() -> None:
    from datetime import UTC

    from crm_insights.analytics.features import customer_features

    engine = _store()
    naive = customer_features(engine, as_of=AS_OF)
    aware = customer_features(engine, as_of=AS_OF.replace(tzinfo=UTC))
    pd.testing.assert_frame_equal(naive.frame, aware.frame)


def test_artifacts_without_means_get_them_from_the_customer_table(trained: tuple[Engine, SegmentModel]) -> None:
    _, model = trained
    fresh = {s["segment"]: s["means"] for s in model.segments()}
    raw = json.loads((model.info.path / "model.json").read_text())
    for seg in raw["segments"]:  # as written before the means existed
        for key in ("means", "tier", "behaviour"):
            seg.pop(key)
    old = SegmentModel(model.info, raw)
    for s in old.segments():
        assert s["means"] == pytest.approx(fresh[s["segment"]]) and "tier" not in s


def test_table_means_are_computed_once_per_loaded_model(
    trained: tuple[Engine, SegmentModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    import crm_insights.analytics.segmentation as segmentation

    _, model = trained
    stored = {s["segment"]: s["means"] for s in model.segments()}
    raw = json.loads((model.info.path / "model.json").read_text())
    for seg in raw["segments"]:  # as written before the means existed: they come from the customer table
        seg.pop("means")
    old = SegmentModel(model.info, raw)
    real = segmentation._segment_means
    calls: list[int] = []

    def counting(frame: pd.DataFrame, mask: np.ndarray) -> dict[str, float | None]:
        calls.append(int(mask.sum()))
        return real(frame, mask)

    monkeypatch.setattr(segmentation, "_segment_means", counting)
    first = old.segments()
    assert sorted(calls) == sorted(s["size"] for s in first)  # once per segment, over its members
    first_means = [dict(s["means"]) for s in first]
    first[0]["means"]["aov"] = -1.0  # a caller editing its result must not reach the cache
    second = old.segments()
    described = old.describe(first[0]["segment"])
    assert len(calls) == old.k  # neither call recomputed
    assert [s["means"] for s in second] == first_means
    assert described["means"] == first_means[0]
    for s in second:
        assert s["means"] == pytest.approx(stored[s["segment"]])
