"""The forecaster's numpy inference equals its torch modules within 1e-5, and reads saved weights without torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

HORIZONS = (1, 4, 13, 52, 104)


def _random_module(survival: str, layers: int, seed: int) -> torch.nn.Module:
    from crm_insights.analytics.forecasting import _build_module
    from crm_insights.analytics.sequences import N_FEATURES

    torch.manual_seed(seed)
    model = _build_module(N_FEATURES, 16, layers, 0.0, survival)
    with torch.no_grad():
        for param in model.parameters():
            param.add_(0.3 * torch.randn_like(param))  # away from the initial values: every weight matters
        model.feat_mean.copy_(torch.randn(N_FEATURES))
        model.feat_std.copy_(0.5 + torch.rand(N_FEATURES))
    return model.eval()


def _random_x(n: int, weeks: int, seed: int) -> np.ndarray:
    from crm_insights.analytics.sequences import N_FEATURES

    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (n, weeks, N_FEATURES)).astype(np.float32)
    born = (np.arange(weeks)[None, :] >= rng.integers(0, weeks, n)[:, None]).astype(np.float32)
    x[..., 2] = born  # weeks before the first purchase are zero after standardising
    x[..., 5] = rng.uniform(0.0, np.log1p(104.0), (n, weeks))  # log1p(age in weeks), two years at most
    return x


@pytest.mark.parametrize("survival", ["individual", "population", "population_loyal"])
@pytest.mark.parametrize("layers", [1, 2])
def test_forward_and_horizons_match_torch(survival: str, layers: int) -> None:
    from crm_insights.analytics import forecast_numpy as fnp
    from crm_insights.analytics.forecasting import _last_step, horizon_forecast

    model = _random_module(survival, layers, seed=layers)
    x = _random_x(300, 40, seed=layers)
    with torch.inference_mode():
        raw_torch = _last_step(model, torch.from_numpy(x)).double()
    raw_np = fnp.last_step_raw(fnp.state_from_module(model), x, survival, layers)
    assert raw_np.dtype == np.float64 and raw_np.shape == tuple(raw_torch.shape) == (300, 7)
    np.testing.assert_allclose(raw_np, raw_torch.numpy(), rtol=1e-6, atol=1e-5)  # age (col 6) reaches 104
    for h in HORIZONS:
        e_t, p_t = horizon_forecast(raw_torch, h)
        e_n, p_n = fnp.horizon_forecast(raw_np, h)
        # Random weights forecast up to ~80 purchase days in 104 weeks; float32 noise in the LSTM then reaches
        # 1e-5 absolute there, so large values are held to 1e-6 relative (a trained model's: 1e-5 absolute, below).
        np.testing.assert_allclose(e_n, e_t.numpy(), rtol=1e-6, atol=1e-5, err_msg=str(h))
        np.testing.assert_allclose(p_n, p_t.numpy(), rtol=0.0, atol=1e-5, err_msg=str(h))
        # The closed form on the same raw parameters is the same arithmetic: equal to float64 rounding.
        e_same, p_same = fnp.horizon_forecast(raw_torch.numpy(), h)
        assert np.allclose(e_same, e_t.numpy(), rtol=1e-12, atol=1e-12)
        assert np.allclose(p_same, p_t.numpy(), rtol=1e-12, atol=1e-12)


def test_saved_weights_read_without_torch(tmp_path: Path) -> None:
    from crm_insights.analytics.forecast_numpy import read_state_dict, state_from_module
    from crm_insights.errors import ArtifactError

    model = _random_module("population", 2, seed=7)
    path = tmp_path / "member_0.pt"
    torch.save(model.state_dict(), path)
    read = read_state_dict(path)
    expected = state_from_module(model)
    assert read.keys() == expected.keys()
    for key, value in expected.items():
        assert read[key].dtype == value.dtype and np.array_equal(read[key], value), key
    torch.save({"weights": model.state_dict(), "optimizer": torch.optim.SGD(model.parameters())}, tmp_path / "odd.pt")
    with pytest.raises(ArtifactError, match="without torch"):
        read_state_dict(tmp_path / "odd.pt")


def test_loaded_forecaster_predicts_like_torch_without_importing_it(tmp_path: Path) -> None:
    """A trained artifact predicts in numpy (torch never imported) the numbers its torch modules give."""
    from test_forecasting import AS_OF, synthetic_orders

    from crm_insights.analytics.forecasting import Forecaster, _last_step, _panel_arrays, horizon_forecast
    from crm_insights.analytics.sequences import build_panel, normalize_orders
    from crm_insights.config import get_settings
    from crm_insights.store import get_engine, init_store

    settings = get_settings()
    orders = synthetic_orders()
    engine = init_store(settings)
    from crm_insights.analytics.forecasting import train_forecast
    from crm_insights.store import Customer, Order, session_scope

    with session_scope(engine) as session:
        ids = {}
        for cid in sorted(orders["customer_id"].unique()):
            c = Customer(external_id=cid)
            session.add(c)
            session.flush()
            ids[cid] = c.id
        for i, row in enumerate(orders.itertuples(index=False)):
            session.add(
                Order(
                    external_id=f"o{i}", customer_id=ids[row.customer_id], ordered_at=row.ordered_at, amount=row.amount
                )
            )
    train_forecast(engine, settings, as_of=AS_OF, progress=False)
    loaded = Forecaster.load(settings)
    out = loaded.predict(get_engine(settings), as_of=AS_OF, horizon_weeks=13)
    panel = build_panel(normalize_orders(orders), AS_OF)
    x, _ = _panel_arrays(panel, int(loaded.config["max_history_weeks"]))
    with torch.inference_mode():
        sums = [horizon_forecast(_last_step(m, torch.from_numpy(x)).double(), 13) for m in loaded.models]
    e_t = sum(e.numpy() for e, _ in sums) / len(sums)
    p_t = np.clip(sum(p.numpy() for _, p in sums) / len(sums), 0.0, 1.0)
    assert out["customer_id"].tolist() == list(panel.customer_ids)
    assert np.abs(out["expected_purchases"].to_numpy() - e_t).max() <= 1e-5
    assert np.abs(out["p_active"].to_numpy() - p_t).max() <= 1e-5
    code = (
        "import sys; from datetime import datetime; from crm_insights.analytics.forecasting import Forecaster; "
        "from crm_insights.store import get_engine; "
        "d = Forecaster.load().predict(get_engine(), as_of=datetime(2024, 7, 1), horizon_weeks=13); "
        "assert 'torch' not in sys.modules, 'torch was imported'; sys.stdout.write(d.to_json())"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
