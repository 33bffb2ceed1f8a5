"""Choosing the purchase model: by holdout error when the history allows, else by likelihood.

The rule, in full:

* **holdout** -- when a calibration/holdout split is given, every candidate is fitted on
  the calibration period and predicts each customer's purchases in the holdout; the
  candidate with the smallest root mean squared error per customer wins (the squared
  error is the one an expected value minimises; a tie goes to the earlier candidate). The
  winner is then fitted again on the whole history.
* **likelihood** -- otherwise every candidate is fitted on the whole history and the one
  with the highest log-likelihood wins. The candidates all have four parameters, so this
  is also the choice by AIC or BIC.

A candidate that cannot be fitted is left out, with its error; when none can, there is no
model and the first candidate's error says why.

Example
-------
>>> from retention_xl.analysis.customers import customer_summary
>>> from retention_xl.sample import generate_orders
>>> orders = generate_orders(2000, seed=3).rename(columns={"order_date": "date"})
>>> s = customer_summary(orders)
>>> model, choice = choose_purchase_model(s["frequency"], s["recency"] / 7, s["T"] / 7)
>>> choice.rule, choice.model == model.model_code, [c.model for c in choice.candidates]
('likelihood', True, ['pareto_nbd', 'mbg_nbd'])
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retention_xl.analysis.models.bg_nbd import BetaGeo
from retention_xl.analysis.models.holdout import holdout_validation
from retention_xl.analysis.models.mbg_nbd import ModifiedBetaGeo
from retention_xl.analysis.models.pareto_nbd import ParetoNBD
from retention_xl.analysis.models.purchase_model import PurchaseModel
from retention_xl.errors import InvalidValue, ModelError

__all__ = ["PURCHASE_MODELS", "DEFAULT_CANDIDATES", "Candidate", "ModelChoice", "choose_purchase_model",
           "first_problem"]

#: every purchase model by its code
PURCHASE_MODELS: dict[str, type[PurchaseModel]] = {
    "bg_nbd": BetaGeo, "mbg_nbd": ModifiedBetaGeo, "pareto_nbd": ParetoNBD}

#: the report's candidates: the models in which a customer who never bought again may
#: have left, so her P(alive) falls with time (under BG/NBD it is 100% forever)
DEFAULT_CANDIDATES = ("pareto_nbd", "mbg_nbd")


@dataclass(frozen=True)
class Candidate:
    """One candidate model and how it did.

    Attributes
    ----------
    model : str
        Its code (``"pareto_nbd"``, ``"mbg_nbd"``, ``"bg_nbd"``).
    params : dict or None
        Estimates on the data the rule used (calibration period for the holdout rule).
    log_likelihood : float
        At those estimates (NaN if the fit failed).
    limit : str or None
        The limit the fit reached (``"no_dropout"``), if any.
    holdout : dict or None
        :func:`~retention_xl.analysis.models.holdout_validation` of the calibration fit
        (``rmse``, ``mae``, ``total_predicted``, ``by_frequency`` ...; not its ``per_customer``
        table), holdout rule only.
    problem : ModelError or None
        Why the fit failed.
    """

    model: str
    params: dict | None
    log_likelihood: float
    limit: str | None
    holdout: dict | None
    problem: ModelError | None

    @property
    def holdout_rmse(self) -> float:
        return float("nan") if self.holdout is None else float(self.holdout["rmse"])


@dataclass(frozen=True)
class ModelChoice:
    """Which purchase model was chosen, by which rule, against what.

    Attributes
    ----------
    model : str or None
        Code of the chosen model, ``None`` when no candidate could be fitted.
    rule : str
        ``"holdout"``, ``"likelihood"`` or ``"none"``.
    candidates : tuple of Candidate
        Every candidate, in the order given.
    holdout_length : float or None
        Length of the holdout period in model time units (holdout rule).
    """

    model: str | None
    rule: str
    candidates: tuple[Candidate, ...]
    holdout_length: float | None = None

    def candidate(self, model: str) -> Candidate:
        return next(c for c in self.candidates if c.model == model)


def _try_fit(code: str, x, t_x, T, start: dict | None = None) -> tuple[PurchaseModel | None, ModelError | None]:
    try:
        return PURCHASE_MODELS[code]().fit(x, t_x, T, start=start), None
    except ModelError as e:
        return None, e


def choose_purchase_model(frequency, recency, T, *, holdout: tuple | None = None,
                          candidates: tuple[str, ...] = DEFAULT_CANDIDATES) -> tuple[PurchaseModel | None, ModelChoice]:
    """Fit the candidates and choose one (see the module for the rule).

    Parameters
    ----------
    frequency, recency, T : array-like
        The whole history, one row per customer (model time unit).
    holdout : (calibration, actual, length), optional
        A calibration summary (frequency, recency, T columns), each calibration customer's
        purchases in the holdout and the holdout's length, as
        :func:`~retention_xl.analysis.holdout_split.split_orders` returns them. Given, the
        holdout rule applies.
    candidates : tuple of str
        Codes of :data:`PURCHASE_MODELS`.

    Returns
    -------
    (PurchaseModel or None, ModelChoice)
        The chosen model fitted on the whole history, and the record of the choice.
    """
    unknown = [c for c in candidates if c not in PURCHASE_MODELS]
    if unknown or not candidates:
        raise InvalidValue(f"unknown purchase model(s) {unknown or candidates}; choose from "
                           f"{', '.join(PURCHASE_MODELS)}")
    records: list[Candidate] = []
    fitted: dict[str, PurchaseModel] = {}
    if holdout is not None:
        calibration, actual, length = holdout
        for code in candidates:
            model, problem = _try_fit(code, calibration["frequency"], calibration["recency"], calibration["T"])
            check = None if model is None else holdout_validation(calibration, actual, length, model=model)
            records.append(_record(code, model, problem, check))
        ranked = sorted((c for c in records if c.holdout is not None), key=lambda c: c.holdout_rmse)
        refits: dict[str, ModelError] = {}
        for best in ranked:  # the winner, fitted again on the whole history
            model, refits[best.model] = _try_fit(best.model, frequency, recency, T, start=best.params)
            if model is not None:
                return model, ModelChoice(best.model, "holdout", tuple(records), float(length))
        # no candidate fits the whole history: each record says why (its whole-history error)
        records = [c if c.model not in refits else replace(c, problem=refits[c.model])
                   for c in records]
        return None, ModelChoice(None, "none", tuple(records), float(length))
    else:
        for code in candidates:
            model, problem = _try_fit(code, frequency, recency, T)
            records.append(_record(code, model, problem, None))
            if model is not None:
                fitted[code] = model
        ranked = sorted((c for c in records if c.problem is None), key=lambda c: -c.log_likelihood)
        if ranked:
            return fitted[ranked[0].model], ModelChoice(ranked[0].model, "likelihood", tuple(records))
    return None, ModelChoice(None, "none", tuple(records))


def _record(code: str, model: PurchaseModel | None, problem: ModelError | None, check: dict | None) -> Candidate:
    if model is None:
        return Candidate(code, None, float("nan"), None, None, problem)
    if check is not None:  # the figures, not the table of every calibration customer behind them
        check = {key: value for key, value in check.items() if key != "per_customer"}
    return Candidate(code, dict(model.params_), float(model.log_likelihood_), model.limit_, check, None)


def first_problem(choice: ModelChoice) -> ModelError | None:
    """The error of the first candidate that failed (why there is no model)."""
    return next((c.problem for c in choice.candidates if c.problem is not None), None)

