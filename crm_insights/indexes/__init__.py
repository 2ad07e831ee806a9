"""Text indexes: the FAISS feedback index over the encoders' embeddings.

Heavy libraries (torch, sentence-transformers, faiss) load only when a function needs them.
"""

from crm_insights.indexes.feedback_index import (
    FeedbackIndex,
    build_index,
    index_status,
    read_manifest,
    update_index,
)

__all__ = [
    "FeedbackIndex",
    "build_index",
    "index_status",
    "read_manifest",
    "update_index",
]
