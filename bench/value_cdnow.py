"""Spend model (Gamma-Gamma) back-test on CDNOW, and the value tools' figures on a store.

    nice .venv/bin/python bench/value_cdnow.py            # CDNOW calibration/holdout back-test of the spend model
    nice .venv/bin/python bench/value_cdnow.py --lstm     # + holdout revenue: LSTM (seed 0) and Pareto/NBD x spend
    CRM_INSIGHTS_HOME=/tmp/x/var nice .venv/bin/python bench/value_cdnow.py --store   # + tool figures on that store

Back-test. The standard CDNOW split (calibration 1997-01-01..1997-09-30, holdout 1997-10-01..1998-06-30;
purchase days, order lines of one customer on one day summed). The spend model is fitted on the
calibration window only; for every customer who buys in the holdout, its expected spend per purchase
day is compared with the customer's actual mean spend per holdout purchase day, next to two naive
predictors: the customer's own calibration mean per purchase day (first day included) and the
calibration population mean. "Revenue given counts" multiplies each customer's actual holdout purchase
days by the predicted spend: it isolates the spend model from the purchase forecast.

``--lstm`` trains the forecaster once on the calibration window (about 2 minutes on one core) and
compares each customer's forecast holdout revenue (expected purchase days x Gamma-Gamma spend) with
the actual, next to Pareto/NBD x the same spend model: the whole CLV chain on data it has not seen.

``--store`` times the spend model fit and the tools on the configured store (read-only) and prints
forecast_totals for next_month / next_quarter / next_year and customer_value per segment.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))  # forecast_cdnow's Pareto/NBD helpers

from crm_insights.analytics.value import fit_spend_model, spend_summary  # noqa: E402
from crm_insights.store.corpora import read_cdnow  # noqa: E402

CAL_END = pd.Timestamp("1997-10-01")  # exclusive
HOLD_END = pd.Timestamp("1998-07-01")  # exclusive


def _errors(pred: np.ndarray, actual: np.ndarray, weight: np.ndarray) -> dict[str, float]:
    err = pred - actual
    return {
        "MAE": float(np.abs(err).mean()),
        "RMSE": float(np.sqrt((err**2).mean())),
        "r": float(np.corrcoef(pred, actual)[0, 1]) if np.std(pred) > 0 else float("nan"),
        "revenue_given_counts": float((pred * weight).sum()),
    }


def _calibration_model() -> tuple[Any, pd.DataFrame]:
    lines = read_cdnow()
    cal = lines[lines["ordered_at"] < CAL_END]
    summary = spend_summary(cal.assign(day=cal["ordered_at"].dt.normalize()))
    return fit_spend_model(summary), summary


def backtest() -> dict[str, Any]:
    lines = read_cdnow()
    lines["day"] = lines["ordered_at"].dt.normalize()
    days = lines.groupby(["customer_id", "day"], sort=True)["amount"].sum().reset_index()
    cal = days[days["day"] < CAL_END]
    hold = days[(days["day"] >= CAL_END) & (days["day"] < HOLD_END)]

    t0 = time.perf_counter()
    import lifetimes  # noqa: F401  (its import, ~1-3 s with scipy.stats, is paid once per process)

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    summary = spend_summary(cal)
    model = fit_spend_model(summary)
    fit_s = time.perf_counter() - t0

    h = hold.groupby("customer_id")["amount"].agg(["size", "sum"])
    h = h[h["sum"] > 0]
    ids = h.index
    actual = (h["sum"] / h["size"]).to_numpy()
    weight = h["size"].to_numpy(dtype=float)
    s = summary.reindex(ids)
    preds = {
        "Gamma-Gamma": model.expected_spend(s["frequency"], s["monetary_value"]),
        "own calibration mean / day": (s["spend"] / s["purchase_days"]).to_numpy(),
        "population mean (calib.)": np.full(len(ids), float((cal["amount"].sum()) / len(cal))),
    }
    actual_revenue = float(h["sum"].sum())
    print("CDNOW spend back-test: calibration 1997-01..09 (fit), holdout 1997-10..1998-06 (actual)")
    print(
        f"Gamma-Gamma p={model.p:.4f} q={model.q:.4f} v={model.v:.4f}; population mean "
        f"{model.population_mean:.2f}/purchase day; fitted on {model.customers_fitted:,} of {model.customers:,} "
        f"customers; corr(x, m) {model.frequency_spend_corr:.3f}; summary + fit {fit_s:.2f} s "
        f"(fit alone {model.fit_seconds:.2f} s; lifetimes import {import_s:.2f} s)"
    )
    print(f"holdout buyers {len(ids):,}, purchase days {int(weight.sum()):,}, revenue {actual_revenue:,.2f}\n")
    print("| predictor                    |   MAE |  RMSE |     r | revenue given counts |   bias |")
    print("|------------------------------|-------|-------|-------|----------------------|--------|")
    out: dict[str, Any] = {
        "params": model.as_dict(),
        "summary_fit_seconds": fit_s,
        "import_seconds": import_s,
        "actual_revenue": actual_revenue,
    }
    for name, pred in preds.items():
        m = _errors(np.asarray(pred, dtype=float), actual, weight)
        bias = m["revenue_given_counts"] / actual_revenue - 1.0
        out[name] = m | {"bias": bias}
        print(
            f"| {name:<28} | {m['MAE']:5.2f} | {m['RMSE']:5.2f} | {m['r']:5.3f} | "
            f"{m['revenue_given_counts']:>20,.2f} | {bias:+6.1%} |"
        )
    return out


def revenue_backtest(model: Any, summary: pd.DataFrame) -> dict[str, Any]:
    """Holdout revenue per customer: forecast purchase days x Gamma-Gamma spend, LSTM and Pareto/NBD."""
    from forecast_cdnow import fit_btyd, rfm_weeks

    from crm_insights.analytics.forecasting import fit_forecaster
    from crm_insights.analytics.sequences import build_panel
    from crm_insights.config import ForecastSettings

    lines = read_cdnow()
    horizon = int(round((HOLD_END - CAL_END) / pd.Timedelta(weeks=1)))
    panel = build_panel(lines, CAL_END)
    ids = panel.customer_ids
    hold = lines[(lines["ordered_at"] >= CAL_END) & (lines["ordered_at"] < HOLD_END)]
    actual = hold.groupby("customer_id")["amount"].sum().reindex(ids).fillna(0.0).to_numpy()
    s = summary.reindex(ids)
    spend = model.expected_spend(s["frequency"], s["monetary_value"])
    t0 = time.perf_counter()
    fc = fit_forecaster(lines, as_of=CAL_END, config=ForecastSettings(max_train_minutes=60.0), seed=0, n_models=1)
    lstm_s = time.perf_counter() - t0
    lstm = fc.predict_panel(panel, horizon)["expected_purchases"].to_numpy()
    freq, rec, age, _ = rfm_weeks(lines, CAL_END, ids)
    pnbd = fit_btyd("Pareto/NBD", freq, rec, age, float(horizon))["pred"]
    print(
        f"\nholdout revenue per customer ({len(ids):,} customers, actual total {actual.sum():,.2f}); "
        f"LSTM fit {lstm_s:.0f} s"
    )
    print("| purchases x Gamma-Gamma spend |  total revenue |   bias |   MAE |   RMSE |     r |")
    print("|-------------------------------|----------------|--------|-------|--------|-------|")
    out: dict[str, Any] = {"actual_total": float(actual.sum()), "lstm_fit_s": lstm_s}
    for name, count in (("LSTM (seed 0)", lstm), ("Pareto/NBD", pnbd)):
        pred = count * spend
        err = pred - actual
        m = {
            "total": float(pred.sum()),
            "bias": float(pred.sum() / actual.sum() - 1.0),
            "MAE": float(np.abs(err).mean()),
            "RMSE": float(np.sqrt((err**2).mean())),
            "r": float(np.corrcoef(pred, actual)[0, 1]),
        }
        out[name] = m
        print(
            f"| {name:<29} | {m['total']:>14,.2f} | {m['bias']:+6.1%} | {m['MAE']:5.2f} | {m['RMSE']:6.2f} | "
            f"{m['r']:5.3f} |"
        )
    return out


def store_figures() -> dict[str, Any]:
    from crm_insights.tools import customer_value, forecast_totals
    from crm_insights.tools.context import get_context
    from crm_insights.tools.value import spend_model

    context = get_context()
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    _, model = spend_model(context)
    out["spend_model_load_s"] = time.perf_counter() - t0
    print(
        f"\nstore {context.settings.home}: spend model load (per-day SQL + summary + fit) "
        f"{out['spend_model_load_s']:.2f} s, fit alone {model.fit_seconds:.2f} s; p={model.p:.4f} q={model.q:.4f} "
        f"v={model.v:.4f}, fitted on {model.customers_fitted:,}, corr {model.frequency_spend_corr:.3f}"
    )
    for period in ("next_month", "next_quarter", "next_year"):
        t0 = time.perf_counter()
        d = forecast_totals.invoke({"period": period})["data"]
        secs = time.perf_counter() - t0
        out[period] = d | {"seconds": secs}
        print(
            f"{period:<12} {d['period']['since']}..{d['period']['until']} ({d['horizon_weeks']} wk): buyers "
            f"{d['expected_buyers']:,.1f}, orders {d['expected_orders']:,.1f} (lines {d['expected_order_lines']:,.1f}),"
            f" revenue {d['expected_revenue']:,.2f}  [{secs:.2f} s]"
        )
    for seg in context.segments.segments():
        sid = str(seg["segment"])
        q = forecast_totals.invoke({"period": "next_quarter", "segment": sid})["data"]
        v = customer_value.invoke({"segment": sid, "horizon_weeks": 52})["data"]
        out[f"segment_{sid}"] = {"next_quarter": q, "clv_52w": v}
        print(
            f"segment {sid} {seg['name_zh']} / {seg['name_en']} ({seg['size']:,}): next quarter buyers "
            f"{q['expected_buyers']:,.1f}, revenue {q['expected_revenue']:,.2f}; 52-week CLV total "
            f"{v['total_clv']:,.2f}, mean {v['mean_clv']:,.2f}, share {v['share_of_total_clv']:.1%}"
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", action="store_true", help="also the value tools' figures on the configured store")
    ap.add_argument("--lstm", action="store_true", help="also holdout revenue with the LSTM (trains once, ~2 min)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    results: dict[str, Any] = {"backtest": backtest()}
    if args.lstm:
        results["revenue"] = revenue_backtest(*_calibration_model())
    if args.store:
        results["store"] = store_figures()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "value_cdnow.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
