"""Feedback themes: clusters of feedback embeddings, each with keywords, size and representative quotes.

An index-level view: it reads the feedback index's vectors (and the store's filters the index
search uses), so it lives beside the index rather than in analytics, which must not import indexes.

The filtered feedback (customers, sentiment, dates; at most ``themes.max_texts``, a seeded sample
above that) is clustered with K-means on its unit embedding vectors. The number of themes is given
or chosen from the data by the silhouette score (cosine) over 2..``themes.max_themes``. Keywords
come from class-based TF-IDF (the BERTopic recipe) over jieba tokens with stopwords, punctuation and
numbers dropped: a term scores high when frequent in its theme and rare across the others. Quotes are
the feedback closest to the theme's centroid.

Vectors are read back from the feedback index (no re-embedding) when one exists for the configured
model; feedback added since the last index update, or all of it without an index, is embedded.

Results are cached on disk (``<models_dir>/cache/themes-*.json``) per index version, model, settings and
the exact rows clustered, so asking again (a new CLI process included) does not recluster.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
from collections import Counter
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Engine

from crm_insights.encoders.embeddings import get_embedder, model_identity
from crm_insights.errors import ArtifactError, InputError, NotReadyError
from crm_insights.indexes.feedback_index import FeedbackIndex, feedback_rows, filtered_feedback_ids, read_manifest
from crm_insights.store.models import Feedback

if TYPE_CHECKING:
    from crm_insights.config import Settings

log = logging.getLogger(__name__)

# Function words, pronouns, fillers, review boilerplate and bare verdicts (不错, 一般) that say nothing
# about what a theme is about.
_ZH_STOPWORDS_TEXT = """
    的 了 是 在 我 有 和 就 不 人 都 一 一个 上 也 很 到 说 要 去 你 会 着 没有 看 好 自己 这 那 他 她 它 们
    我们 你们 他们 这个 那个 这样 那样 什么 怎么 还 又 再 把 被 让 给 跟 对 从 向 为 为了 与 及 以及 或 或者
    而 而且 但 但是 可是 不过 因为 所以 如果 虽然 就是 只是 还是 也是 都是 吧 吗 呢 啊 呀 哦 哈 嘛 啦 哎 嗯
    之 其 此 该 等 等等 个 些 一些 一下 一点 一次 一直 一样 已经 可以 可能 应该 比较 非常 特别 真的 真是
    太 挺 最 更 很多 有点 有些 觉得 感觉 东西 时候 现在 之前 之后 以后 以前 今天 昨天 然后 而是 没 没什么
    这次 那次 次 买 买的 购买 商品 产品 宝贝 卖家 店家 本店 亲 大家 朋友 这家 家 里 里面 中 下 过 来 做 用
    能 想 知道 还有 其他 这里 那里 哪 哪里 怎样 如何 多 少 大 小 只 才 又 却 并 并且 不是 不会 不能 没有 无
    不错 一般 还行 不好 还好 挺好 很好
    """
ZH_STOPWORDS = frozenset(_ZH_STOPWORDS_TEXT.split())
TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
NUMBERISH = re.compile(r"^[\d.,%]+$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _english_stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for users
    return jieba


def tokenize(text: str) -> list[str]:
    """jieba tokens of ``text`` (lower-cased), without stopwords, punctuation, numbers or lone Latin letters."""
    stop_en = _english_stopwords()
    out = []
    for raw in _jieba().lcut(text):
        tok = raw.strip().lower()
        # One CJK character can be a whole word (贵, 慢); one Latin letter never is.
        if not tok or not TOKEN_OK.search(tok) or NUMBERISH.match(tok) or (len(tok) < 2 and not CJK.match(tok)):
            continue
        if tok in ZH_STOPWORDS or tok in stop_en:
            continue
        out.append(tok)
    return out


def class_tfidf_keywords(docs_tokens: list[list[str]], labels: np.ndarray, top: int) -> dict[int, list[str]]:
    """Top ``top`` terms per class by class-based TF-IDF: tf(t, c) * log(1 + A / f(t)).

    tf is the term's count in the class over the class's token total, f(t) its count over all
    classes, A the average token count per class (BERTopic's c-TF-IDF).
    """
    classes = sorted(set(labels.tolist()))
    counts: dict[int, Counter[str]] = {c: Counter() for c in classes}
    for toks, c in zip(docs_tokens, labels.tolist(), strict=True):
        counts[c].update(toks)
    total: Counter[str] = Counter()
    for cnt in counts.values():
        total.update(cnt)
    avg = sum(total.values()) / max(len(classes), 1)
    out: dict[int, list[str]] = {}
    for c, cnt in counts.items():
        n = sum(cnt.values()) or 1
        scored = sorted(((v / n) * np.log(1 + avg / total[t]), t) for t, v in cnt.items() if v >= 1)
        # Highest score first; ties broken by the term itself so results are deterministic.
        scored.sort(key=lambda st: (-st[0], st[1]))
        out[c] = [t for _, t in scored[:top]]
    return out


def choose_k(vectors: np.ndarray, k_max: int, seed: int) -> tuple[int, dict[int, float]]:
    """The number of clusters in 2..k_max with the best cosine silhouette (K-means fits)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    scores: dict[int, float] = {}
    sample = min(n, 3000)  # silhouette is O(n^2); a seeded sample estimates it well
    for k in range(2, min(k_max, n - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(vectors)
        if len(set(labels.tolist())) < 2:
            continue
        scores[k] = float(silhouette_score(vectors, labels, metric="cosine", sample_size=sample, random_state=seed))
    if not scores:
        return 1, scores
    return max(scores, key=lambda k: (scores[k], -k)), scores


def _vectors_for(
    engine: Engine, settings: Settings, ids: np.ndarray, texts: dict[int, str], progress: bool
) -> tuple[np.ndarray, str | None]:
    """Unit vectors for ``ids`` in order: read back from the index where possible, else embedded."""
    index_version = None
    vecs: dict[int, np.ndarray] = {}
    try:
        index = FeedbackIndex.load(settings)
        present, found = index.vectors(ids)
        vecs = {int(i): v for i, v in zip(present.tolist(), found, strict=True)}
        index_version = index.version
    except NotReadyError:
        log.info("no feedback index: embedding the feedback for themes")
    except ArtifactError as exc:
        log.warning("feedback index unusable for themes (%s): embedding instead", exc)
    missing = [int(i) for i in ids.tolist() if int(i) not in vecs]
    if missing:
        embedder = get_embedder(settings)
        fresh = embedder.embed_passages([texts[i] for i in missing], progress=progress)
        vecs.update(zip(missing, fresh, strict=True))
    return np.stack([vecs[int(i)] for i in ids.tolist()]).astype(np.float32), index_version


def feedback_themes(
    engine: Engine,
    settings: Settings | None = None,
    customer_ids: list[str] | None = None,
    sentiment: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    n_themes: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Themes of the matching feedback.

    Returns ``{"themes": [{theme (label: its top 3 keywords), id, size, share, keywords, quotes:
    [{feedback_id, customer_id, text, created_at, sentiment, similarity}], sentiment (label counts)}],
    "rows_considered", "rows_matching", "sampled", "n_themes", "chosen_by", "silhouette", "method",
    "index_version", "model_id"}``; themes are ranked by size (id 0 is the largest). ``until`` is
    inclusive for a date. No matching feedback gives no themes.
    """
    from crm_insights.config import get_settings

    settings = settings or get_settings()
    cfg = settings.themes
    if n_themes is not None and (not isinstance(n_themes, int) or isinstance(n_themes, bool) or n_themes < 1):
        raise InputError(f"n_themes must be a positive integer, got {n_themes!r}")
    n_themes = n_themes if n_themes is not None else cfg.n_themes
    if n_themes is not None and n_themes > cfg.max_themes:
        raise InputError(f"n_themes must be at most {cfg.max_themes} (themes.max_themes), got {n_themes}")

    allowed = filtered_feedback_ids(engine, customer_ids, sentiment, since, until)
    if allowed is None:
        from sqlalchemy import select

        with engine.connect() as conn:
            allowed = np.array(sorted(conn.execute(select(Feedback.id)).scalars().all()), dtype=np.int64)
    rows_matching = len(allowed)
    rng = np.random.default_rng(cfg.seed)
    if len(allowed) > cfg.max_texts:
        allowed = np.sort(rng.choice(allowed, cfg.max_texts, replace=False))
    rows = feedback_rows(engine, allowed)
    ids = np.array([i for i in allowed.tolist() if i in rows and (rows[i]["text"] or "").strip()], dtype=np.int64)
    result: dict[str, Any] = {
        "themes": [],
        "rows_considered": int(len(ids)),
        "rows_matching": int(rows_matching),
        "sampled": bool(rows_matching > cfg.max_texts),
        "n_themes": 0,
        "chosen_by": None,
        "silhouette": None,
        "index_version": None,
        "model_id": None,
    }
    if len(ids) == 0:
        return result

    cache = _cache_path(settings, n_themes, rows_matching, ids, rows)
    cached = _read_cached(cache)
    if cached is not None:
        return cached
    from sklearn.cluster import KMeans

    texts = {int(i): rows[int(i)]["text"] for i in ids.tolist()}
    vectors, result["index_version"] = _vectors_for(engine, settings, ids, texts, progress)
    result["model_id"] = model_identity(settings, convert=False).model_id

    if n_themes is not None:
        k = min(n_themes, len(ids))
        result["chosen_by"] = "given"
    elif len(ids) < cfg.min_texts_per_theme * 2:
        k = 1
        result["chosen_by"] = f"too few texts to split (< {cfg.min_texts_per_theme * 2})"
    else:
        k_max = min(cfg.max_themes, len(ids) // cfg.min_texts_per_theme)
        k, scores = choose_k(vectors, k_max, cfg.seed)
        result["chosen_by"] = "silhouette"
        result["silhouette"] = {str(kk): round(v, 4) for kk, v in scores.items()}
    if k == 1:
        labels = np.zeros(len(ids), dtype=np.int64)
    else:
        labels = KMeans(n_clusters=k, n_init=4, random_state=cfg.seed).fit_predict(vectors)

    tokens = [tokenize(texts[int(i)]) for i in ids.tolist()]
    keywords = class_tfidf_keywords(tokens, labels, cfg.keywords)
    sizes = Counter(labels.tolist())
    ranked = sorted(sizes, key=lambda c: (-sizes[c], c))
    themes = []
    for rank, c in enumerate(ranked):
        members = np.flatnonzero(labels == c)
        centroid = vectors[members].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        closeness = vectors[members] @ centroid
        quotes: list[dict[str, Any]] = []
        seen: set[str] = set()
        for local in np.argsort(-closeness, kind="stable"):
            j = members[local]
            row = rows[int(ids[j])]
            if row["text"] in seen:
                continue
            seen.add(row["text"])
            quotes.append(
                {
                    "feedback_id": row["feedback_id"],
                    "customer_id": row["customer_id"],
                    "text": row["text"],
                    "created_at": row["created_at"],
                    "sentiment": row["sentiment"],
                    "similarity": round(float(closeness[local]), 4),
                }
            )
            if len(quotes) == cfg.quotes:
                break
        mix = Counter(rows[int(ids[j])]["sentiment"] for j in members)
        kw = keywords.get(c, [])
        themes.append(
            {
                "theme": " / ".join(kw[:3]) if kw else f"theme {rank + 1}",
                "id": rank,
                "size": int(len(members)),
                "share": round(len(members) / len(ids), 4),
                "keywords": kw,
                "quotes": quotes,
                "sentiment": {str(lab): int(n) for lab, n in mix.items() if lab is not None},
            }
        )
    result["themes"] = themes
    result["n_themes"] = len(themes)
    result["method"] = (
        f"K-means (k={len(themes)}, {result['chosen_by']}) on {result['model_id']} embeddings; "
        "keywords by class-based TF-IDF over jieba tokens; quotes closest to each centroid"
    )
    _write_cached(cache, result)
    return result


# ---------------------------------------------------------------------------------------------
# the on-disk cache
# ---------------------------------------------------------------------------------------------

# Bump when the clustering, keywords or the result's layout change: old cached results are then ignored.
CACHE_VERSION = 1
_CACHE_DAYS = 7


def _cache_path(
    settings: Settings, n_themes: int | None, rows_matching: int, ids: np.ndarray, rows: dict[int, dict[str, Any]]
) -> Path | None:
    """Where the themes of exactly this input are kept between processes; None when no key can be formed.

    Clustering is ~25 s on the demo feedback, every time a cold process is asked, so the result is cached
    per everything it is computed from: the feedback index's version (the vectors), the embedding model
    (vectors of feedback the index lacks), the themes settings, the requested number of themes, and the
    rows themselves (ids, texts, dates, customers, sentiment labels): new feedback, a rescoring or a
    rebuilt index each make a new key.
    """
    try:
        manifest = read_manifest(settings) or {}
        model = model_identity(settings, convert=False)
    except (ArtifactError, OSError):
        return None
    fields = ("customer_id", "text", "created_at", "sentiment")
    key = [
        CACHE_VERSION,
        manifest.get("version"),
        manifest.get("model_id"),
        manifest.get("model_hash"),
        model.model_id,
        model.model_hash,
        settings.themes.model_dump(mode="json"),
        n_themes,
        rows_matching,
        [[int(i), *(rows[int(i)][f] for f in fields)] for i in ids.tolist()],
    ]
    digest = hashlib.sha256(json.dumps(key, ensure_ascii=False, default=str).encode()).hexdigest()[:24]
    return settings.models_dir / "cache" / f"themes-{digest}.json"


def _read_cached(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not computed yet, or unreadable: cluster again
        return None
    return data if isinstance(data, dict) and isinstance(data.get("themes"), list) else None


def _write_cached(path: Path | None, result: dict[str, Any]) -> None:
    """Write atomically; a read-only data directory only costs the next process a reclustering."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("themes-*.json"):
            if old.stat().st_mtime < time.time() - _CACHE_DAYS * 86400:
                old.unlink(missing_ok=True)  # results for feedback, indexes or settings long replaced
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.info("themes not cached (%s)", exc)
