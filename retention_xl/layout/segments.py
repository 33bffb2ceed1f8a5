"""The Segments sheet: RFM segments, revenue concentration, the model note and the Customers table."""

from __future__ import annotations

from retention_xl.analysis.column_values import shown_ids
from retention_xl.analysis.holdout_split import MIN_HOLDOUT_DAYS
from retention_xl.analysis.overview import Analysis
from retention_xl.analysis.prediction import Prediction
from retention_xl.labels import RIGHT_TO_LEFT, label, labels_for
from retention_xl.layout.blocks import (
    Chart,
    Column,
    Figures,
    Sheet,
    Table,
    Text,
    widths,
)

__all__ = ["customer_columns", "segment_names", "segments_sheet"]


#: model names are the same in every language
MODEL_NAMES = {"bg_nbd": "BG/NBD", "mbg_nbd": "MBG/NBD", "pareto_nbd": "Pareto/NBD", "bg_bb": "BG/BB",
               "gamma_gamma": "Gamma-Gamma", "sbg": "sBG"}
#: a model's parameters by their symbols in every language, as the fitted values are shown (α=2.1)
PARAM_SYMBOLS = {"alpha": "α", "beta": "β"}


def _model_reason(error, lang: str) -> str:
    """A model error (its ``kind`` and ``fields``) in the report's language."""
    fields = dict(error.fields)
    if "model" in fields:
        fields["model"] = MODEL_NAMES.get(fields["model"], fields["model"])
    if "param" in fields:
        fields["param"] = PARAM_SYMBOLS.get(fields["param"], fields["param"])
    if "towards" in fields:
        fields["towards"] = "0" if fields["towards"] == "zero" else "∞"
    if "q" in fields:
        fields["q"] = f"{fields['q']:.3g}"
    key = f"model_error.{error.kind}"
    return label(lang, key if key in labels_for(lang) else "model_error.model", **fields)


def _model_choice(p: Prediction, lang: str) -> str:
    """Which purchase model and why, from the codes and values of the choice."""
    choice = p.choice
    name = MODEL_NAMES[choice.model]
    fitted = [c for c in choice.candidates if c.problem is None]
    failed = [c for c in choice.candidates if c.problem is not None]
    others = [c for c in fitted if c.model != choice.model]
    if choice.rule == "holdout":
        line = label(lang, "note.model_choice.holdout", model=name,
                     days=f"{round(choice.holdout_length * p.unit_days):,}",
                     error=f"{choice.candidate(choice.model).holdout_rmse:.3f}",
                     others=", ".join(f"{MODEL_NAMES[c.model]} {c.holdout_rmse:.3f}" for c in others) or "-")
    else:
        why = label(lang, f"note.model_skip.{p.holdout_skipped}", days=f"{p.history_days or 0:,}",
                    needed=MIN_HOLDOUT_DAYS)
        line = label(lang, "note.model_choice.likelihood", model=name, why=why,
                     others=", ".join(f"{MODEL_NAMES[c.model]} {c.log_likelihood:,.1f}" for c in fitted))
    for c in failed:
        line += " " + label(lang, "note.model_choice.alone", model=name, other=MODEL_NAMES[c.model],
                            reason=_model_reason(c.problem, lang))
    return line


def _model_note(p: Prediction, lang: str) -> str:
    """One line: the models and parameters behind the predictions, which and why, or why there are none."""
    if not p.available:
        return label(lang, "note.model_none", reason=_model_reason(p.problem, lang))
    line = label(lang, "note.model", models=p.params_text, horizon=p.horizon,
                 discount=f"{p.discount * 100:.4g}%", margin=f"{p.margin * 100:.4g}%")
    line += " " + _model_choice(p, lang)
    if p.purchase_limit is not None:
        line += " " + label(lang, f"note.model_limit.{p.purchase_limit}")
    if p.spend_problem is not None:
        line += " " + label(lang, "note.model_spend", spend=f"{p.mean_repeat_spend:,.2f}",
                            reason=_model_reason(p.spend_problem, lang))
    return line + " " + label(lang, "note.model_interval", level=f"{p.interval_level:.0%}")


def segments_sheet(a: Analysis, lang: str) -> Sheet:
    L = lambda k, **v: label(lang, k, **v)
    names = labels_for(lang)
    horizon = a.prediction.horizon
    seg = a.segments.reset_index()
    seg["segment"] = [names[f"seg.{s}"] for s in seg["segment"]]
    seg_cols = (
        Column("segment", L("col.segment"), "text", 20),
        Column("customers", L("col.customers"), "int", 11),
        Column("share", L("col.share"), "percent", 11),
        Column("revenue", L("col.revenue"), "money", 14),
        Column("revenue_share", L("col.revenue_share"), "percent", 11),
        Column("avg_days_since_last", L("col.avg_days_since_last"), "number", 13),
        Column("avg_orders", L("col.avg_orders"), "number", 11),
        Column("avg_revenue", L("col.avg_revenue"), "money", 12),
        Column("avg_clv", L("col.avg_clv"), "money", 12),
        Column("avg_predicted_clv", L("col.avg_predicted_clv"), "money", 13),
        Column("avg_predicted_clv_low", L("col.avg_predicted_clv_low"), "money", 13),
        Column("avg_predicted_clv_high", L("col.avg_predicted_clv_high"), "money", 13),
    )
    summary = Table("SegmentSummary", seg, seg_cols, row=4, title=L("table.SegmentSummary"))
    chart = Chart("bar", L("chart.segments"), "SegmentSummary", 3, len(seg_cols) + 1,
                  ("customers",), category="segment", width_cols=8, height_rows=16)
    h = a.headline
    pareto = Figures(
        row=summary.last_row + 3,
        title=L("fig.pareto"),
        items=(
            (L("fig.top20_share"), h["top20_share"], "percent"),
            (L("fig.customers_for_80"), h["customers_for_80"], "percent"),
            (L("fig.at_risk"), h["at_risk"], "int"),
        ),
    )
    cust = a.customers.reset_index()
    cust["customer"] = shown_ids(cust["customer"], a.orders.arabic_letters, a.orders.customer_digits)
    translated = {s: names[f"seg.{s}"] for s in cust["segment"].astype("category").cat.categories}
    cust["segment"] = cust["segment"].map(translated).astype(str)  # once per segment, not per customer
    cust_cols = customer_columns(lang, horizon)
    customers = Table("Customers", cust, cust_cols, row=pareto.row + 4, title=L("table.Customers"))
    blocks = (  # the Customers table stays last: a writer may stream its rows
        Text(0, (L("title.segments"),), style="title"),
        Text(1, (L("note.segments"),)),
        Text(2, (_model_note(a.prediction, lang),)),
        summary,
        chart,
        pareto,
        customers,
    )
    return Sheet("segments", L("sheet.segments"), blocks, lang in RIGHT_TO_LEFT, (3, 1),
                 widths([summary, customers]))


def customer_columns(lang: str, horizon: int) -> tuple[Column, ...]:
    """The Customers table's columns, headed in ``lang``: the sheet's table, and the full
    per-customer table written beside the workbook when the sheet keeps only part of it.

    >>> [c.header for c in customer_columns("fa", 12)][:3]
    ['مشتری', 'نخستین سفارش', 'آخرین سفارش']
    """
    L = lambda k, **v: label(lang, k, **v)
    return (
        Column("customer", L("col.customer"), "text", 16),
        Column("first_order", L("col.first_order"), "date", 12),
        Column("last_order", L("col.last_order"), "date", 12),
        Column("orders", L("col.orders"), "int", 9),
        Column("revenue", L("col.revenue"), "money", 12),
        Column("days_since_last", L("col.days_since_last"), "int", 12),
        Column("r", L("col.r"), "score", 5),
        Column("f", L("col.f"), "score", 5),
        Column("m", L("col.m"), "score", 5),
        Column("rfm", L("col.rfm"), "score", 7),
        Column("segment", L("col.segment"), "text", 20),
        Column("clv", L("col.clv"), "money", 13),
        Column("p_alive", L("col.p_alive"), "percent", 9),
        Column("expected_purchases", L("col.expected_purchases", horizon=horizon), "number", 13),
        Column("expected_purchases_low", L("col.expected_purchases_low"), "number", 11),
        Column("expected_purchases_high", L("col.expected_purchases_high"), "number", 11),
        Column("predicted_clv", L("col.predicted_clv", horizon=horizon), "money", 13),
        Column("predicted_clv_low", L("col.predicted_clv_low"), "money", 11),
        Column("predicted_clv_high", L("col.predicted_clv_high"), "money", 11),
        Column("at_risk", L("col.at_risk"), "bool", 9),
    )


def segment_names(lang: str) -> dict[str, str]:
    """Each segment's code (``"Champions"``) and its name in ``lang``, as the sheets show it.

    >>> segment_names("ar")["Lost"]
    'مفقودون'
    """
    names = labels_for(lang)
    return {key[len("seg."):]: text for key, text in names.items() if key.startswith("seg.")}
