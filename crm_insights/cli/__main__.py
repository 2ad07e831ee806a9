"""`python -m crm_insights.cli` (the tests and benches start servers this way)."""

from crm_insights.cli import main

main()
