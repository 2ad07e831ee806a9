"""`metrics MEASURE`: a total, trend, breakdown or comparison from the metrics layer."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from crm_insights.cli.common import JsonOpt, SegmentOpt, app, cli_errors, console, print_json, tool_error_exit


@app.command("metrics")
@cli_errors
def metrics_cmd(
    measure: Annotated[
        str, typer.Argument(help="Measure key(s), e.g. revenue, orders, aov, repeat_rate, or revenue,aov.")
    ],
    grain: Annotated[str | None, typer.Option("--grain", help="day, week, month, quarter or year.")] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="weekday, segment, sentiment, customer_type, cohort, customer (top N) or purchase_count."
        ),
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD, YYYY-MM or YYYY (inclusive).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="YYYY-MM-DD, YYYY-MM or YYYY (inclusive).")] = None,
    segment: SegmentOpt = None,
    compare: Annotated[str | None, typer.Option("--compare", help="previous, year or both.")] = None,
    inactive_days: Annotated[
        int | None, typer.Option("--inactive-days", help="N for inactive_customers.", min=1)
    ] = None,
    within_days: Annotated[
        int | None,
        typer.Option("--within-days", help="N for second_within_share / second_within_customers.", min=1),
    ] = None,
    sort: Annotated[str | None, typer.Option("--sort", help="asc or desc: rank rows by the first measure.")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Keep the first N rows (with --sort or --by customer).")
    ] = None,
    min_amount: Annotated[
        float | None, typer.Option("--min-amount", help="Only order lines with amount >= this.")
    ] = None,
    max_amount: Annotated[
        float | None, typer.Option("--max-amount", help="Only order lines with amount <= this.")
    ] = None,
    min_customer_spend: Annotated[
        float | None,
        typer.Option("--min-customer-spend", help="Only customers whose spend in the period is >= this."),
    ] = None,
    max_customer_spend: Annotated[
        float | None,
        typer.Option("--max-customer-spend", help="Only customers whose spend in the period is <= this."),
    ] = None,
    amount_strict: Annotated[
        bool, typer.Option("--amount-strict", help="--min/--max-amount exclude the bound itself (> and <).")
    ] = False,
    spend_strict: Annotated[
        bool,
        typer.Option("--spend-strict", help="--min/--max-customer-spend exclude the bound itself (> and <)."),
    ] = False,
    change_by_row: Annotated[
        bool, typer.Option("--change-by-row", help="With --grain: each row against the one before (MoM, QoQ).")
    ] = False,
    having: Annotated[
        str | None,
        typer.Option("--having", help="Keep rows whose first measure passes this, e.g. '>100' (with --grain or --by)."),
    ] = None,
    min_purchases: Annotated[
        int | None, typer.Option("--min-purchases", help="Only customers with >= N purchase days in the period.", min=1)
    ] = None,
    max_purchases: Annotated[
        int | None, typer.Option("--max-purchases", help="Only customers with <= N purchase days in the period.", min=1)
    ] = None,
    bought_since: Annotated[
        str | None, typer.Option("--bought-since", help="Only customers who also ordered from.")
    ] = None,
    bought_until: Annotated[str | None, typer.Option("--bought-until", help="... to (inclusive).")] = None,
    not_bought_since: Annotated[
        str | None, typer.Option("--not-bought-since", help="Only customers with no order from.")
    ] = None,
    not_bought_until: Annotated[str | None, typer.Option("--not-bought-until", help="... to (inclusive).")] = None,
    top_share: Annotated[
        float | None, typer.Option("--top-share", help="Only the top fraction of spenders (0.1 = top 10%).")
    ] = None,
    top_customers: Annotated[
        int | None, typer.Option("--top-customers", help="Only the top N spenders (over the filter window).", min=1)
    ] = None,
    purchase_bands: Annotated[
        int | None, typer.Option("--purchase-bands", help="With --by purchase_count: the last band, N or more.")
    ] = None,
    band_starts: Annotated[
        str | None,
        typer.Option(
            "--band-starts",
            help="With --by purchase_count: each band's first count, e.g. 1,2,3,6; with --by spend_band or "
            "amount_band: each band's lowest amount, e.g. 0,100,500.",
        ),
    ] = None,
    filter_since: Annotated[
        str | None, typer.Option("--filter-since", help="Read the customer conditions over this window (from).")
    ] = None,
    filter_until: Annotated[str | None, typer.Option("--filter-until", help="... to (inclusive).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """A metric from the metrics layer (the metric_query tool): total, trend, breakdown, comparison."""
    from crm_insights.tools.metrics import metric_query, simple_json

    args: dict[str, Any] = {"measures": measure, "grain": grain, "group_by": by, "since": since, "until": until}
    args.update({"segment": segment, "compare": compare, "inactive_days": inactive_days, "sort": sort, "limit": limit})
    args.update({"min_amount": min_amount, "max_amount": max_amount})
    args.update({"min_customer_spend": min_customer_spend, "max_customer_spend": max_customer_spend})
    args["having"] = having
    args["within_days"] = within_days
    args.update({"min_purchases": min_purchases, "max_purchases": max_purchases, "top_share": top_share})
    args.update({"bought_since": bought_since, "bought_until": bought_until, "purchase_bands": purchase_bands})
    args.update({"not_bought_since": not_bought_since, "not_bought_until": not_bought_until})
    args.update({"filter_since": filter_since, "filter_until": filter_until, "top_customers": top_customers})
    if band_starts is not None:
        money = (by or "").strip().lower() in ("spend_band", "amount_band")
        try:
            cuts = [(float(x) if money else int(x)) for x in band_starts.split(",") if x.strip()]
        except ValueError as exc:
            kind = "numbers" if money else "whole numbers"
            raise typer.BadParameter(f"--band-starts takes {kind} joined by commas, got {band_starts!r}") from exc
        args["band_starts" if money else "purchase_band_starts"] = cuts
    args.update({"amount_strict": amount_strict or None, "change_by_row": change_by_row or None})
    args["customer_spend_strict"] = spend_strict or None
    out = metric_query.invoke({k: v for k, v in args.items() if v is not None})
    if isinstance(out, str):  # a tool error the user can fix (unknown measure, dates outside the data)
        tool_error_exit(out)
    shaped = simple_json(out)
    if as_json:
        print_json(shaped)
        return
    from rich.table import Table

    period = shaped["period"]
    table = Table(title=f"{shaped['measure']} {period['since']} .. {period['until']}")
    keys = [k for k in shaped["rows"][0] if k not in ("value", "evidence")] if shaped["rows"] else []
    for col in [*keys, "value"]:
        table.add_column(col)
    for row in shaped["rows"]:
        table.add_row(*[str(row.get(k, "")) for k in keys], f"{row['value']:,}" if row["value"] is not None else "-")
    total = f"{shaped['total']:,}" if shaped["total"] is not None else "-"
    table.add_row(*(["total"] + [""] * (len(keys) - 1) if keys else []), total)
    console.print(table)
    if shaped.get("share_of_all") is not None:
        console.print(
            f"without the filter: {shaped['total_unfiltered']:,}; the filtered part is {shaped['share_of_all']:.2%}",
            highlight=False,
        )
    if shaped.get("having"):
        h = shaped["having"]
        console.print(f"rows with {h['measure']} {h['op']} {h['value']:g}: {h['kept']} of {h['of']}", highlight=False)
    for c in (shaped.get("compare"), shaped.get("compare_year")):
        if not c:
            continue
        pct = c["change_pct"].get(shaped["measure"])
        console.print(
            f"vs {c['period']['since']} .. {c['period']['until']}: {c['total'].get(shaped['measure'])}"
            + (f" ({pct:+.1%})" if pct is not None else ""),
            highlight=False,
        )
