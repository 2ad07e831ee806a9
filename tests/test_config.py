from __future__ import annotations

from pathlib import Path

import pytest

from crm_insights.config import load_settings
from crm_insights.errors import ConfigError


def test_defaults_come_from_config_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("forecast:\n  horizon_weeks: 7\nllm:\n  model: ollama/qwen\n")
    monkeypatch.setenv("CRM_INSIGHTS_CONFIG", str(cfg))
    s = load_settings()
    assert s.forecast.horizon_weeks == 7
    assert s.llm.model == "ollama/qwen"
    assert s.segmentation.k_min == 3  # untouched default


def test_env_beats_dotenv_beats_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("forecast:\n  horizon_weeks: 7\n  hidden_size: 16\n  epochs: 3\n")
    monkeypatch.setenv("CRM_INSIGHTS_CONFIG", str(cfg))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CRM_INSIGHTS_FORECAST__HORIZON_WEEKS=9\nCRM_INSIGHTS_FORECAST__EPOCHS=5\n")
    monkeypatch.setenv("CRM_INSIGHTS_FORECAST__HORIZON_WEEKS", "11")
    s = load_settings()
    assert s.forecast.horizon_weeks == 11  # env wins
    assert s.forecast.epochs == 5  # .env beats yaml
    assert s.forecast.hidden_size == 16  # yaml beats the code default


def test_typo_in_nested_block_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("forecast:\n  horizon_wekes: 7\n")
    monkeypatch.setenv("CRM_INSIGHTS_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="horizon_wekes"):
        load_settings()


def test_typo_in_env_nested_key_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_INSIGHTS_LLM__MODLE", "x/y")
    with pytest.raises(ConfigError, match="modle"):
        load_settings()


def test_bad_value_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_INSIGHTS_SERVER__PORT", "70000")
    with pytest.raises(ConfigError, match="server.port"):
        load_settings()


def test_repo_config_yaml_loads_and_comments_every_key() -> None:
    import yaml

    repo_cfg = Path(__file__).resolve().parent.parent / "config.yaml"
    data = yaml.safe_load(repo_cfg.read_text())
    load_settings()  # the shipped file is valid
    lines = repo_cfg.read_text().splitlines()
    # every top-level block is preceded by a comment or holds commented keys
    assert set(data) >= {"database", "llm", "server", "forecast", "segmentation", "sentiment"}
    assert sum(1 for line in lines if line.strip().startswith("#")) >= 30


def test_home_and_sqlite_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(tmp_path / "h"))
    s = load_settings()
    assert s.database_url == f"sqlite:///{(tmp_path / 'h').resolve() / 'crm.sqlite3'}"
