"""Settings: config.yaml < .env < environment variables (``CRM_INSIGHTS_`` prefix, ``__`` nesting).

Nested blocks forbid unknown keys so a typo fails loudly. Secrets (API keys, Slack tokens) are read
from the environment only; config.yaml documents every default with its reason.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from crm_insights.errors import ConfigError

ENV_PREFIX = "CRM_INSIGHTS_"


def _config_file() -> Path:
    """config.yaml: CRM_INSIGHTS_CONFIG if set, else ./config.yaml, else the repo root's."""
    explicit = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if explicit:
        return Path(explicit)
    cwd = Path.cwd() / "config.yaml"
    if cwd.exists():
        return cwd
    return Path(__file__).resolve().parent.parent / "config.yaml"


class Block(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(Block):
    url: str | None = None  # None: sqlite file crm.sqlite3 in the data dir
    echo: bool = False


class RuntimeSettings(Block):
    torch_threads: int = Field(1, ge=1, le=64)


class SegmentationSettings(Block):
    k: int | None = Field(None, ge=2, le=30)
    k_min: int = Field(3, ge=2)
    k_max: int = Field(8, ge=2)
    silhouette_sample: int = Field(10_000, ge=100)
    selection_sample: int = Field(100_000, ge=1_000)
    minibatch_threshold: int = Field(50_000, ge=1)
    minibatch_batch_size: int = Field(4096, ge=64)
    n_init: int = Field(3, ge=1, le=50)
    trend_window_days: int = Field(90, ge=7, le=730)
    insert_chunk: int = Field(10_000, ge=100)
    threads: int = Field(1, ge=1, le=64)
    seed: int = 42


class ForecastSettings(Block):
    horizon_weeks: int = Field(13, ge=1, le=520)
    max_horizon_weeks: int = Field(104, ge=1, le=520)
    hidden_size: int = Field(32, ge=4)
    num_layers: int = Field(1, ge=1, le=4)
    dropout: float = Field(0.0, ge=0, lt=1)
    survival: Literal["population", "population_loyal", "individual"] = "individual"
    epochs: int = Field(20, ge=1)
    batch_size: int = Field(512, ge=8)
    learning_rate: float = Field(3e-3, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    patience: int = Field(4, ge=1)
    validation_fraction: float = Field(0.1, gt=0, lt=0.5)
    train_window_weeks: int = Field(52, ge=1, le=520)
    max_history_weeks: int = Field(104, ge=2, le=1040)
    max_train_minutes: float = Field(2.5, gt=0)
    predict_batch_size: int = Field(8192, ge=1)
    seeds: int = Field(1, ge=1, le=10)
    seed: int = 0
    horizon_weight: float = Field(0.0, ge=0, le=3)
    swa_epochs: int = Field(5, ge=1, le=20)
    val_horizon_weeks: int = Field(0, ge=0, le=520)

    @model_validator(mode="after")
    def _horizon_within_max(self) -> ForecastSettings:
        if self.horizon_weeks > self.max_horizon_weeks:
            raise ValueError(
                f"horizon_weeks ({self.horizon_weeks}) exceeds max_horizon_weeks ({self.max_horizon_weeks})"
            )
        return self


StackMember = Literal["char_tfidf_lr", "nb_lr"]
_STACK_MEMBERS: tuple[StackMember, ...] = ("char_tfidf_lr", "nb_lr")


class SentimentSettings(Block):
    base_model: str | None = None  # None: the converted base encoder
    neutral_threshold: float = Field(0.65, ge=0.34, le=1.0)
    max_length: int = Field(96, ge=8, le=512)
    text_prefix: str = Field("", max_length=32)  # put before every text (e5 was pretrained with "query: ")
    # mean: mean of the last hidden states over real tokens -> linear (how e5 was pretrained);
    # cls: transformers' sequence-classification head (the [CLS] vector through a pooler layer).
    pooling: Literal["mean", "cls"] = "mean"
    batch_size: int = Field(16, ge=1)
    epochs: float = Field(1.0, gt=0)
    max_steps: int | None = Field(None, ge=1)  # at most this many optimiser steps (None: the epochs decide)
    learning_rate: float = Field(1e-4, gt=0)
    freeze_embeddings: bool = True
    freeze_layers: int = Field(6, ge=0, le=48)
    bf16: bool | None = None  # None: bf16 autocast for training when the CPU has native bf16
    warmup_ratio: float = Field(0.06, ge=0, lt=1)
    validation_fraction: float = Field(0.05, ge=0, lt=0.5)
    evals_per_epoch: int = Field(2, ge=1, le=100)
    patience: int = Field(2, ge=1)
    max_train_minutes: float = Field(10.0, gt=0)
    inference_batch_size: int = Field(32, ge=1)
    score_batch_size: int = Field(256, ge=1)
    ngram_stack: bool = True
    stack_members: list[StackMember] = Field(default_factory=lambda: list(_STACK_MEMBERS), min_length=1)
    stack_in_background: bool = True  # fit the n-gram members in a second process while the encoder trains
    take_freed_core: bool = True  # when that process ends, the encoder trains on one more thread
    crm_examples: bool = True  # default training adds the CRM feedback examples (package data)
    crm_repeat: int = Field(3, ge=1, le=20)  # times each CRM example is repeated in the fit share
    seed: int = 13


class EmbeddingSettings(Block):
    model: str | None = None  # None: the converted base encoder; else a local path or hub id
    batch_size: int = Field(128, ge=1)  # most texts per batch
    batch_tokens: int = Field(2048, ge=1)  # most padded tokens per batch (a longer text goes alone)
    max_length: int = Field(512, ge=8, le=8192)
    backend: Literal["torch", "onnx"] = "torch"
    quantize: Literal["none", "int8"] = "int8"  # onnx backend only: int8 weights (dynamic quantisation)
    query_prompt: str | None = None  # None: the model's own "query" prompt ("query: " for e5)
    passage_prompt: str | None = None  # None: the model's own "passage" prompt ("passage: " for e5)
    dtype: Literal["auto", "float32", "bfloat16"] = "auto"


class IndexSettings(Block):
    exact_threshold: int = Field(50_000, ge=0)
    kind: Literal["auto", "flat", "hnsw", "ivf"] = "auto"
    hnsw_m: int = Field(32, ge=4)
    hnsw_ef_search: int = Field(64, ge=8)
    hnsw_ef_construction: int = Field(40, ge=8)
    ivf_nlist: int | None = None
    ivf_nprobe: int = Field(16, ge=1)


class ComputeSettings(Block):
    engine: Literal["local", "ray"] = "local"
    ray_address: str | None = None
    actors: int = Field(1, ge=1)
    batch_size: int = Field(256, ge=1)
    cpus_per_actor: float = Field(0.5, gt=0)
    partition_rows: int = Field(2048, ge=1)


class ThemeSettings(Block):
    max_texts: int = Field(5000, ge=10)
    n_themes: int | None = None
    keywords: int = Field(8, ge=1)
    quotes: int = Field(3, ge=1)
    max_themes: int = Field(12, ge=2, le=50)
    min_texts_per_theme: int = Field(5, ge=1)
    seed: int = 0


class LLMSettings(Block):
    model: str = "offline/router"
    base_url: str | None = None
    temperature: float = Field(0.0, ge=0, le=2)
    max_tokens: int = Field(512, ge=16)
    timeout_s: float = Field(60.0, gt=0)
    mask_pii: bool | None = None  # None: on for remote providers, off for local ones
    api_key: SecretStr | None = None  # from env only: CRM_INSIGHTS_LLM__API_KEY
    router_similarity: Literal["auto", "tfidf", "embeddings"] = "auto"
    max_tool_rounds: int = Field(6, ge=1, le=50)
    check_retries: int = Field(1, ge=0, le=3)


class ServerSettings(Block):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    allow_public_without_keys: bool = False
    max_body_bytes: int = Field(65_536, ge=1024)
    max_question_chars: int = Field(2_000, ge=10)
    agent_concurrency: int = Field(32, ge=1, le=256)
    workers: int = Field(0, ge=0, le=64)  # 0 = one per CPU core, at most 4


class SlackSettings(Block):
    bot_token: SecretStr | None = None
    app_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    base_url: str | None = None  # Slack Web API base; tests point it at 127.0.0.1


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",  # the top level tolerates foreign CRM_INSIGHTS_* vars (e.g. _CONFIG)
    )

    home: Path = Path("./var")
    api_keys: str | None = None  # comma-separated; env CRM_INSIGHTS_API_KEYS
    database: DatabaseSettings = DatabaseSettings()
    runtime: RuntimeSettings = RuntimeSettings()
    segmentation: SegmentationSettings = SegmentationSettings()
    forecast: ForecastSettings = ForecastSettings()
    sentiment: SentimentSettings = SentimentSettings()
    embeddings: EmbeddingSettings = EmbeddingSettings()
    index: IndexSettings = IndexSettings()
    compute: ComputeSettings = ComputeSettings()
    themes: ThemeSettings = ThemeSettings()
    llm: LLMSettings = LLMSettings()
    server: ServerSettings = ServerSettings()
    slack: SlackSettings = SlackSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_source = YamlConfigSettingsSource(settings_cls, yaml_file=_config_file(), yaml_file_encoding="utf-8")
        return (init_settings, env_settings, dotenv_settings, yaml_source)

    # -- derived paths ------------------------------------------------------------------------
    @property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def models_dir(self) -> Path:
        return self.home_dir / "models"

    @property
    def indexes_dir(self) -> Path:
        return self.home_dir / "indexes"

    @property
    def base_model_dir(self) -> Path:
        return self.models_dir / "base-e5-small"

    @property
    def charts_dir(self) -> Path:
        return self.home_dir / "charts"

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.home_dir / 'crm.sqlite3'}"

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in (self.api_keys or "").split(",") if k.strip()]


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into a ConfigError that names the bad key."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"invalid configuration: {problems}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (cached). Tests call ``get_settings.cache_clear()`` after monkeypatching."""
    return load_settings()
