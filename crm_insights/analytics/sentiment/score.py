"""Labelling the store's feedback with the current sentiment model, batch by batch, resumably."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from crm_insights.analytics.sentiment.model import BAR_INFO, BAR_LABEL, SentimentModel
from crm_insights.progress import progress_bar

if TYPE_CHECKING:
    from sqlalchemy import Engine, Table

    from crm_insights.config import Settings


def _unscored_batches(engine: Engine, version: str, batch_size: int) -> Iterator[list[tuple[int, str]]]:
    from sqlalchemy import or_, select

    from crm_insights.store.models import Feedback

    last_id = 0
    while True:
        stmt = (
            select(Feedback.id, Feedback.text)
            .where(Feedback.id > last_id)
            .where(or_(Feedback.sentiment_model.is_(None), Feedback.sentiment_model != version))
            .order_by(Feedback.id)
            .limit(batch_size)
        )
        with engine.connect() as conn:
            rows = [(int(r[0]), str(r[1] or "")) for r in conn.execute(stmt)]
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def count_unscored(engine: Engine, version: str) -> int:
    from sqlalchemy import func, or_, select

    from crm_insights.store.models import Feedback

    stmt = (
        select(func.count())
        .select_from(Feedback)
        .where(or_(Feedback.sentiment_model.is_(None), Feedback.sentiment_model != version))
    )
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def score_rows(model: SentimentModel, rows: list[tuple[int, str]]) -> list[dict[str, object]]:
    """Store values for (id, text) rows: blank texts get label neutral with no score."""
    ids = [r[0] for r in rows if r[1].strip()]
    texts = [r[1] for r in rows if r[1].strip()]
    results = model.predict(texts) if texts else []
    values: list[dict[str, object]] = [
        {"fid": fid, "label": r["label"], "score": r["score"]} for fid, r in zip(ids, results, strict=True)
    ]
    values += [{"fid": r[0], "label": "neutral", "score": None} for r in rows if not r[1].strip()]
    return values


def write_scores(engine: Engine, version: str, values: list[dict[str, object]]) -> None:
    """Write one batch in one transaction (an interruption loses one batch at most).

    Only rows not yet scored by ``version`` are touched, so a batch that runs twice (a retried Ray task,
    two overlapping runs) writes each row once.
    """
    from sqlalchemy import bindparam, or_, update

    from crm_insights.store.models import Feedback

    if not values:
        return
    table = cast("Table", Feedback.__table__)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("fid"))
        .where(or_(table.c.sentiment_model.is_(None), table.c.sentiment_model != version))
        .values(sentiment_label=bindparam("label"), sentiment_score=bindparam("score"), sentiment_model=version)
    )
    with engine.begin() as conn:
        conn.execute(stmt, values)


def unscored_in_range(engine: Engine, version: str, lo: int, hi: int) -> list[tuple[int, str]]:
    """(id, text) of rows with lo <= id < hi not yet scored by ``version`` (one read partition)."""
    from sqlalchemy import or_, select

    from crm_insights.store.models import Feedback

    stmt = (
        select(Feedback.id, Feedback.text)
        .where(Feedback.id >= lo, Feedback.id < hi)
        .where(or_(Feedback.sentiment_model.is_(None), Feedback.sentiment_model != version))
        .order_by(Feedback.id)
    )
    with engine.connect() as conn:
        return [(int(r[0]), str(r[1] or "")) for r in conn.execute(stmt)]


def score_store(
    engine: Engine,
    settings: Settings | None = None,
    progress: bool = True,
    model: SentimentModel | None = None,
    batch_size: int | None = None,
) -> int:
    """Label every feedback row not yet scored by the current model version; returns rows scored.

    Writes sentiment_label, sentiment_score and sentiment_model, committing after each batch, so an
    interrupted run resumes where it stopped. Blank texts get label neutral with no score.
    """
    from crm_insights.config import get_settings

    s = settings or get_settings()
    m = model or SentimentModel.load(s)
    size = batch_size or s.sentiment.score_batch_size
    total = count_unscored(engine, m.version)
    done = 0
    with progress_bar(progress, label=BAR_LABEL, extra=BAR_INFO) as bar:
        task = bar.add_task("scoring feedback", total=total, info=m.version)
        for rows in _unscored_batches(engine, m.version, size):
            write_scores(engine, m.version, score_rows(m, rows))
            done += len(rows)
            bar.update(task, completed=done)
    return done
