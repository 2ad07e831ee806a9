"""Write crm_insights/analytics/data/crm_feedback_near_check.txt: the CRM example texts too close to a check text.

Every check set (tests/data/crm_feedback_zh.csv, tests/data/crm_sentiment_check_outside.csv) must stay
unseen by training: a CRM example within char-bigram Jaccard 0.5 of any check text is listed (by its
key, not its text) and dropped when the examples load. The writers' CSVs stay as delivered.

    .venv/bin/python scripts/sentiment_near_check.py          # rewrite the list, print what it holds
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crm_insights.analytics import sentiment as S
from crm_insights.analytics.sentiment.data import NEAR_CHECK_FILE, near_copies, text_key

ROOT = Path(__file__).resolve().parent.parent
CHECKS = (ROOT / "tests" / "data" / "crm_feedback_zh.csv", ROOT / "tests" / "data" / "crm_sentiment_check_outside.csv")


def main() -> None:
    check = pd.concat([S.read_labelled_csv(p) for p in CHECKS], ignore_index=True)["text"].tolist()
    lines = ["# CRM example texts within char-bigram Jaccard 0.5 of a check text (scripts/sentiment_near_check.py)"]
    for path in S.CRM_EXAMPLE_FILES:
        texts = S.read_labelled_csv(path)["text"].tolist()
        near = near_copies(texts, check, S.NEAR_COPY)
        print(f"{path.name}: {len(texts)} texts, {len(near)} near a check text")
        lines.append(f"# {path.name}: {len(near)} of {len(texts)}")
        lines += sorted({text_key(t) for t in near})
    NEAR_CHECK_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {NEAR_CHECK_FILE}")


if __name__ == "__main__":
    main()
