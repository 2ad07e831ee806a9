"""Analytics: segmentation, forecasting, sentiment, and the versioned artifact registry."""

from crm_insights.analytics.artifacts import ArtifactInfo, ArtifactRegistry, registry

__all__ = ["ArtifactInfo", "ArtifactRegistry", "registry"]
