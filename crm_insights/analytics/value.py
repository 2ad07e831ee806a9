"""Customer lifetime value: the forecaster's expected purchases x a Gamma-Gamma spend model.

CLV over H weeks = E[purchase days in the next H weeks] (the LSTM forecaster, per customer) x
E[spend per purchase day] (Gamma-Gamma, Fader, Hardie & Lee 2005, fitted with lifetimes'
``GammaGammaFitter``). The value is undiscounted revenue (not margin) over the horizon.

Spend model. A purchase day's spend is the sum of the customer's order lines that day, the same
unit the forecaster counts. Gamma-Gamma is fitted on repeat customers only, on (x, m): x = repeat
purchase days, m = mean spend over those repeat days (the first purchase day left out, as the
model's authors and lifetimes' summary do: a first order is often atypical). A customer's expected
spend per purchase day is then the posterior mean ``p (v + x m) / (p x + q - 1)``: the population
mean ``p v / (q - 1)`` shrunk toward the customer's own mean the more repeat days they have. One-time
buyers (x = 0), and customers whose repeat days net to nothing or less (refunds), get the population
mean. The fit constrains q > 1 (lifetimes' ``q_constraint``) so that mean exists.

Assumption. Gamma-Gamma assumes spend per purchase is independent of how often a customer buys;
the fit reports the Pearson correlation of x and m over the fitted customers so a user can judge
(CDNOW: about 0.07, close enough to independence for the model's use).

Fitted at load, not trained into an artifact: on the 23,570 CDNOW customers (11,515 repeat
customers) the fit takes 0.4-0.55 s on one busy shared core, and the whole load (per-day SQL,
summary, fit) 1.7 s, plus lifetimes' import (about 2 s, scipy.stats) once per process (measured,
``bench/value_cdnow.py --store``). A tool context fits it once per store state, so it always matches
the orders the forecaster's predictions read, and no train command or stale artifact can disagree
with the store. Its parameters travel in every result's evidence instead of an artifact version.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crm_insights.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine

# No penalty: on CDNOW the unpenalised fit converges and a penalty only biases p, q, v toward 0.
PENALIZER = 0.0
# Three gamma parameters need a few repeat customers; on a handful the fit degenerates to "each
# customer's own mean", still sensible, and customers_fitted in every result says how much stands behind it.
MIN_REPEAT_CUSTOMERS = 3


@dataclass(frozen=True)
class SpendModel:
    """Fitted Gamma-Gamma parameters and what they were fitted on."""

    p: float
    q: float
    v: float
    customers: int  # customers summarised
    customers_fitted: int  # repeat customers with a positive repeat mean
    excluded_nonpositive: int  # repeat customers whose repeat days net to <= 0 (refunds)
    frequency_spend_corr: float  # Pearson r of (x, m) over the fitted customers: the independence check
    fit_seconds: float
    data_end: str | None = None

    @property
    def population_mean(self) -> float:
        """Expected spend per purchase day of a customer with no repeat history: p v / (q - 1)."""
        return self.p * self.v / (self.q - 1.0)

    def expected_spend(self, frequency: Any, monetary_value: Any) -> np.ndarray:
        """Posterior mean spend per purchase day for repeat purchase days ``frequency`` and their mean spend.

        Customers with no repeat day or a non-positive mean get the population mean.
        """
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary_value, dtype=float)
        usable = (x > 0) & np.isfinite(m) & (m > 0)
        x = np.where(usable, x, 0.0)
        m = np.where(usable, m, 0.0)
        return self.p * (self.v + x * m) / (self.p * x + self.q - 1.0)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["population_mean_spend"] = self.population_mean
        return out


def purchase_days_frame(engine: Engine) -> pd.DataFrame:
    """One row per (customer, purchase day) in the store: customer_id (external), day, amount (summed)."""
    from sqlalchemy import func, select

    from crm_insights.store.models import Customer, Order

    day = func.date(Order.ordered_at)
    stmt = (
        select(Customer.external_id.label("customer_id"), day.label("day"), func.sum(Order.amount).label("amount"))
        .join(Customer, Customer.id == Order.customer_id)
        .group_by(Customer.external_id, day)
    )
    with engine.connect() as conn:
        df = pd.read_sql(stmt, conn)
    df["customer_id"] = df["customer_id"].astype(str)
    df["day"] = pd.to_datetime(df["day"])
    df["amount"] = df["amount"].astype(float)
    return df


def spend_summary(days: pd.DataFrame) -> pd.DataFrame:
    """Per customer from purchase-day rows (customer_id, day, amount; order lines are summed per day).

    Columns: purchase_days, frequency (repeat purchase days = purchase_days - 1), monetary_value (mean
    spend over the repeat days; NaN without one), first_day_spend, spend (total). Index: customer_id.
    """
    if days.empty:
        raise InputError("no orders: the spend model needs purchase history")
    per_day = days.groupby(["customer_id", "day"], sort=True)["amount"].sum().reset_index()
    g = per_day.groupby("customer_id", sort=True)["amount"]
    n = g.size().astype(float)
    total = g.sum()
    first = g.first()
    freq = n - 1.0
    repeat_mean = (total - first) / freq.where(freq > 0)
    return pd.DataFrame(
        {
            "purchase_days": n.astype(int),
            "frequency": freq,
            "monetary_value": repeat_mean,
            "first_day_spend": first,
            "spend": total,
        }
    )


def fit_spend_model(summary: pd.DataFrame, data_end: datetime | None = None) -> SpendModel:
    """Gamma-Gamma on the repeat customers of a :func:`spend_summary` frame (lifetimes' fitter)."""
    from lifetimes import GammaGammaFitter
    from lifetimes.utils import ConvergenceError

    t0 = time.perf_counter()
    freq = summary["frequency"].to_numpy(dtype=float)
    mon = summary["monetary_value"].to_numpy(dtype=float)
    repeat = freq > 0
    mask = repeat & np.isfinite(mon) & (mon > 0)
    n_fit = int(mask.sum())
    if n_fit < MIN_REPEAT_CUSTOMERS:
        raise InputError(
            f"the spend model needs at least {MIN_REPEAT_CUSTOMERS} customers with a repeat purchase and "
            f"positive spend; the store has {n_fit}"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # overflow probes inside the optimiser
            gg = GammaGammaFitter(penalizer_coef=PENALIZER).fit(freq[mask], mon[mask], q_constraint=True)
    except ConvergenceError as exc:
        raise InputError(f"the Gamma-Gamma spend model did not converge on this store's orders: {exc}") from exc
    params = gg.params_
    p, q, v = float(params["p"]), float(params["q"]), float(params["v"])
    corr = float(np.corrcoef(freq[mask], mon[mask])[0, 1]) if n_fit > 2 else math.nan
    return SpendModel(
        p=p,
        q=q,
        v=v,
        customers=len(summary),
        customers_fitted=n_fit,
        excluded_nonpositive=int((repeat & ~mask).sum()),
        frequency_spend_corr=corr,
        fit_seconds=time.perf_counter() - t0,
        data_end=data_end.date().isoformat() if data_end is not None else None,
    )


def customer_values(predictions: pd.DataFrame, summary: pd.DataFrame, model: SpendModel) -> pd.DataFrame:
    """CLV per forecast customer: predictions (index customer_id; expected_purchases, p_active) joined to spend.

    Columns: expected_purchases, p_active, expected_spend (per purchase day), clv (= the product),
    plus the history columns of ``summary``. Customers without a forecast are left out.
    """
    frame = predictions[["expected_purchases", "p_active"]].join(summary, how="inner")
    frame["expected_spend"] = model.expected_spend(frame["frequency"], frame["monetary_value"])
    frame["clv"] = frame["expected_purchases"].astype(float) * frame["expected_spend"]
    return frame


def value_totals(frame: pd.DataFrame) -> dict[str, Any]:
    """Totals and means of a :func:`customer_values` frame (a segment, or everyone)."""
    n = len(frame)
    exp_purchases = float(frame["expected_purchases"].sum())
    clv = float(frame["clv"].sum())
    return {
        "customers": n,
        "expected_buyers": float(frame["p_active"].sum()),
        "expected_purchases": exp_purchases,
        "total_clv": clv,
        "mean_clv": clv / n if n else None,
        "median_clv": float(frame["clv"].median()) if n else None,
        # Revenue-weighted: what one expected purchase day of this group is worth.
        "spend_per_expected_purchase": clv / exp_purchases if exp_purchases > 0 else None,
        "historical_spend": float(frame["spend"].sum()),
    }


__all__ = [
    "MIN_REPEAT_CUSTOMERS",
    "SpendModel",
    "customer_values",
    "fit_spend_model",
    "purchase_days_frame",
    "spend_summary",
    "value_totals",
]
