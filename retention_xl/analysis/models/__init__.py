"""Probabilistic customer models: who will buy again, how much, and for how long.

Purchase models (shops, non-contractual: customers leave silently), one API
(:class:`~retention_xl.analysis.models.purchase_model.PurchaseModel`):

* :class:`BetaGeo` -- BG/NBD: drop-out possible after each repeat purchase.
* :class:`ModifiedBetaGeo` -- MBG/NBD: also right after the first purchase, so a
  one-time buyer's P(alive) falls with time.
* :class:`ParetoNBD` -- Pareto/NBD: drop-out at any time.
* :class:`BetaGeoBetaBinom` -- BG/BB: the same story in discrete time (a purchase or not
  at each of n opportunities: donations, yearly events).

Spend and contracts:

* :class:`GammaGamma` -- value of a customer's future purchases.
* :class:`ShiftedBetaGeo` -- sBG: renewals of a subscription cohort (contractual).

Predictions and checks:

* :func:`predicted_clv` -- discounted lifetime value from a purchase model and a Gamma-Gamma fit.
* :func:`holdout_validation` -- predicted vs actual purchases in a holdout period.
* :func:`compress_customers` -- distinct (frequency, recency, T) rows with weights, the
  fast way to fit many customers.

Example
-------
>>> from retention_xl.analysis.models import ShiftedBetaGeo
>>> round(ShiftedBetaGeo().fit([1000, 631, 468, 382, 326, 289, 262, 241]).params_["alpha"], 3)
0.704
"""

from retention_xl.analysis.models.bg_bb import BetaGeoBetaBinom
from retention_xl.analysis.models.bg_nbd import BetaGeo
from retention_xl.analysis.models.clv import predicted_clv
from retention_xl.analysis.models.counts import CustomerCounts, compress_customers
from retention_xl.analysis.models.gamma_gamma import GammaGamma
from retention_xl.analysis.models.holdout import holdout_validation
from retention_xl.analysis.models.mbg_nbd import ModifiedBetaGeo
from retention_xl.analysis.models.pareto_nbd import ParetoNBD
from retention_xl.analysis.models.purchase_model import PurchaseModel
from retention_xl.analysis.models.shifted_beta_geo import ShiftedBetaGeo

__all__ = [
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "BetaGeoBetaBinom",
    "PurchaseModel",
    "GammaGamma",
    "ShiftedBetaGeo",
    "predicted_clv",
    "holdout_validation",
    "compress_customers",
    "CustomerCounts",
]
