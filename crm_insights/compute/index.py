"""`index build|update` on either engine: Ray actors embed, the driver builds and saves the FAISS index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from crm_insights.compute.cluster import JobOptions, ray_session
from crm_insights.indexes.feedback_index import EMBED_CHUNK, build_index, update_index

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crm_insights.config import Settings


class EmbedActor:
    """One per actor: loads the embedder once, then embeds chunk after chunk."""

    def __init__(self, settings: Settings):
        from crm_insights.encoders.embeddings import get_embedder

        self.embedder = get_embedder(settings)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        pos: list[np.ndarray] = []
        vecs: list[np.ndarray] = []
        for positions, texts in zip(batch["pos"], batch["texts"], strict=True):
            pos.append(np.asarray(positions, dtype=np.int64))
            vecs.append(np.asarray(self.embedder.embed_passages([str(t) for t in texts]), dtype=np.float32))
        return {"pos": np.concatenate(pos), "vector": np.concatenate(vecs)}


def ray_embed(settings: Settings, options: JobOptions, ray: Any, texts: list[str]) -> np.ndarray:
    """Vectors for ``texts`` in their order, embedded by an actor pool (inside a ray_session).

    The work is cut exactly as the local engine cuts it (longest first, EMBED_CHUNK texts per call), so each
    chunk meets the same padding and batches and its vectors equal the local ones: a near tie in a search
    ranks the same way on both engines.
    """
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    order = np.argsort([-len(t) for t in texts], kind="stable")
    chunks = [
        {"pos": order[i : i + EMBED_CHUNK], "texts": [texts[j] for j in order[i : i + EMBED_CHUNK]]}
        for i in range(0, len(texts), EMBED_CHUNK)
    ]
    ds = ray.data.from_items(chunks, override_num_blocks=len(chunks)).map_batches(
        EmbedActor,
        batch_size=1,
        fn_constructor_kwargs={"settings": settings},
        compute=ray.data.ActorPoolStrategy(size=options.actors),
        num_cpus=options.cpus_per_actor,
    )
    out: np.ndarray | None = None
    for b in ds.iter_batches(batch_size=None, batch_format="numpy"):
        vecs = np.stack(list(b["vector"])) if b["vector"].dtype == object else b["vector"]
        if out is None:
            out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
        out[b["pos"]] = vecs
    assert out is not None
    return out


def run_index_build(engine: Engine, settings: Settings, options: JobOptions, progress: bool = False) -> dict[str, Any]:
    if options.engine == "local":
        return build_index(engine, settings, progress=progress)
    with ray_session(options.ray_address) as ray:
        return build_index(engine, settings, progress=progress, embed=lambda t: ray_embed(settings, options, ray, t))


def run_index_update(engine: Engine, settings: Settings, options: JobOptions, progress: bool = False) -> dict[str, Any]:
    if options.engine == "local":
        return update_index(engine, settings, progress=progress)
    with ray_session(options.ray_address) as ray:
        return update_index(engine, settings, progress=progress, embed=lambda t: ray_embed(settings, options, ray, t))
