"""The forecaster's inference in numpy: its saved weights read without torch, the LSTM's forward pass at the
cutoff and the closed-form horizon forecast.

Why. Predicting is a forward pass over small matrices (9 features, 32 hidden units); importing torch for
it was ~1.1 s of every cold `crm-insights ask` about a forecast. Training stays in torch
(:mod:`crm_insights.analytics.forecasting`); these functions mirror ``_last_step``, ``_params``,
``_log_dropout_probs`` and ``horizon_forecast`` there line for line (float32 through the LSTM and its head,
float64 after, as torch computes them) and agree with them within 1e-5 (tested).

:func:`read_state_dict` reads what ``torch.save(model.state_dict())`` writes (a zip holding a pickle and one
raw file per tensor) with a restricted unpickler that knows only ordered dicts and tensor rebuilding; any
other content raises ArtifactError, and the caller then loads the file with torch instead.
"""

from __future__ import annotations

import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from crm_insights.errors import ArtifactError

_STORAGES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "BoolStorage": np.bool_,
}


def _rebuild_tensor(
    storage: np.ndarray, offset: int, size: tuple[int, ...], stride: tuple[int, ...], *_: Any
) -> np.ndarray:
    item = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape=size, strides=[s * item for s in stride])
    return np.array(view)  # a copy: the storage buffer is read-only and shared between tensors


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: Any, archive: zipfile.ZipFile, prefix: str, little: bool):
        super().__init__(stream)
        self._archive = archive
        self._prefix = prefix
        self._little = little

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGES:
            return _STORAGES[name]
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in a state dict")

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, dtype, key, _location, numel = pid
        raw = self._archive.read(f"{self._prefix}/data/{key}")
        data = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<" if self._little else ">"), count=numel)
        return data.astype(np.dtype(dtype).newbyteorder("="), copy=False)


def read_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a ``torch.save``d state dict as numpy arrays, without importing torch."""
    try:
        with zipfile.ZipFile(path) as archive:
            pickles = [n for n in archive.namelist() if n.endswith("/data.pkl")]
            if len(pickles) != 1:
                raise ArtifactError(f"{path}: not a torch zip archive")
            prefix = pickles[0].rsplit("/", 1)[0]
            names = set(archive.namelist())
            order = archive.read(f"{prefix}/byteorder").decode().strip() if f"{prefix}/byteorder" in names else "little"
            with archive.open(pickles[0]) as stream:
                state = _Unpickler(stream, archive, prefix, order == "little").load()
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, pickle.UnpicklingError, EOFError) as exc:
        raise ArtifactError(f"{path}: cannot read the weights without torch ({exc})") from exc
    if not isinstance(state, dict) or not all(isinstance(v, np.ndarray) for v in state.values()):
        raise ArtifactError(f"{path}: not a state dict of tensors")
    return {str(k): v for k, v in state.items()}


def state_from_module(model: Any) -> dict[str, np.ndarray]:
    """A loaded torch module's state dict as numpy arrays (a freshly trained forecaster)."""
    return {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}


# ---------------------------------------------------------------------------------------------
# forward pass
# ---------------------------------------------------------------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def last_step_raw(state: dict[str, np.ndarray], x: np.ndarray, survival: str, num_layers: int) -> np.ndarray:
    """Raw parameters (n, 7) at the last week of ``x`` (n, weeks, features): ``forecasting._last_step``."""
    x = np.asarray(x, dtype=np.float32)
    z = (x - state["feat_mean"]) / state["feat_std"] * x[..., 2:3]  # weeks before the first purchase stay 0
    seq = z
    n, steps, _ = z.shape
    h = np.zeros((n, 0), dtype=np.float32)
    for layer in range(num_layers):
        w_ih, w_hh = state[f"lstm.weight_ih_l{layer}"], state[f"lstm.weight_hh_l{layer}"]
        bias = state[f"lstm.bias_ih_l{layer}"] + state[f"lstm.bias_hh_l{layer}"]
        hidden = w_hh.shape[1]
        h = np.zeros((n, hidden), dtype=np.float32)
        c = np.zeros((n, hidden), dtype=np.float32)
        keep = layer + 1 < num_layers
        outputs = np.empty((n, steps, hidden), dtype=np.float32) if keep else None
        w_ih_t, w_hh_t = np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T)
        for t in range(steps):
            gates = seq[:, t] @ w_ih_t + h @ w_hh_t + bias
            i = _sigmoid(gates[:, :hidden])
            f = _sigmoid(gates[:, hidden : 2 * hidden])
            g = np.tanh(gates[:, 2 * hidden : 3 * hidden])
            o = _sigmoid(gates[:, 3 * hidden :])
            c = f * c + i * g
            h = o * np.tanh(c)
            if outputs is not None:
                outputs[:, t] = h
        if outputs is not None:
            seq = outputs
    z_last, x_last = z[:, -1], x[:, -1]
    raw = np.concatenate([h, z_last], axis=-1) @ state["head.weight"].T + state["head.bias"]
    no_loyal = np.full(n, -30.0, dtype=np.float32)
    if survival == "individual":
        return np.stack([*raw.T, no_loyal, np.zeros(n, dtype=np.float32)], axis=-1).astype(np.float64)
    age = np.maximum(np.expm1(x_last[..., 5]), 0.0)  # raw log1p(age in weeks) feature
    log_s = state["log_s"].astype(np.float32)
    s_raw = np.broadcast_to(np.log(np.expm1(np.exp(log_s))), (n,))  # softplus^-1 of s
    beta_raw = np.broadcast_to(state["log_beta"].astype(np.float32), (n,))
    loyal = (
        np.broadcast_to(state["logit_loyal"].astype(np.float32), (n,)) if survival == "population_loyal" else no_loyal
    )
    return np.stack([raw[:, 0], s_raw, beta_raw, raw[:, 3], raw[:, 4], loyal, age], axis=-1).astype(np.float64)


def _softplus(x: np.ndarray) -> np.ndarray:
    # torch's softplus (beta 1, threshold 20): linear above the threshold.
    return np.where(x > 20.0, x, np.log1p(np.exp(np.minimum(x, 20.0))))


def _logsigmoid(x: np.ndarray) -> np.ndarray:
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def _logsumexp(x: np.ndarray) -> np.ndarray:
    top = np.max(x, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.log(np.sum(np.exp(x - top), axis=-1)) + top[..., 0]


def horizon_forecast(raw: np.ndarray, horizon_weeks: int) -> tuple[np.ndarray, np.ndarray]:
    """Expected purchase days and P(>= 1 purchase) over ``horizon_weeks`` from raw (n, 7) float64."""
    logit_p = np.clip(raw[:, 0], -12.0, 12.0)
    s = (_softplus(raw[:, 1]) + 1e-3)[:, None]
    beta = np.exp(np.clip(raw[:, 2], -2.0, 9.0))[:, None]
    m = _softplus(raw[:, 3]) + 1e-4
    r = (_softplus(raw[:, 4]) + 1e-2)[:, None]
    logit_loyal = np.clip(raw[:, 5], -30.0, 12.0)
    age = np.maximum(raw[:, 6], 0.0)[:, None]
    h = horizon_weeks
    d = np.arange(1, h + 1, dtype=np.float64)
    log_pi = _logsigmoid(logit_loyal)[:, None]
    log_1mpi = _logsigmoid(-logit_loyal)[:, None]
    log_p = _logsigmoid(logit_p)[:, None]
    x = age + d - 1.0

    def log_surv(at: np.ndarray) -> np.ndarray:
        return np.logaddexp(log_pi, log_1mpi - s * np.log1p(at / beta))

    log_cond = log_p - log_surv(age)
    log_a = log_cond + log_surv(x)
    hazard_log = s * np.log1p(1.0 / (beta + x))
    log_stop = log_cond + log_1mpi - s * np.log1p(x / beta) + np.log(-np.expm1(-np.maximum(hazard_log, 1e-10)))
    log_never = _logsigmoid(-logit_p)
    expected = m * np.exp(log_a).sum(-1)
    alpha = r / m[:, None]
    log_zero_given_d = r * (np.log(alpha) - np.log(alpha + d))
    log_pd = np.concatenate([log_stop[:, :-1], log_a[:, -1:]], axis=-1)
    log_p0 = _logsumexp(np.concatenate([log_never[:, None], log_pd + log_zero_given_d], axis=-1))
    return expected, np.clip(-np.expm1(log_p0), 0.0, 1.0)
