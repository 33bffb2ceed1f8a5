"""Probabilistic customer models: who will buy again, how much, and for how long.

* :class:`BetaGeo` -- BG/NBD: repeat purchases and silent drop-out (shops, non-contractual).
* :class:`GammaGamma` -- value of a customer's future purchases.
* :class:`ShiftedBetaGeo` -- sBG: renewals of a subscription cohort (contractual).
* :func:`predicted_clv` -- discounted lifetime value from a BG/NBD and a Gamma-Gamma fit.
* :func:`holdout_validation` -- predicted vs actual purchases in a holdout period.

Example
-------
>>> from retention_xl.analysis.models import ShiftedBetaGeo
>>> round(ShiftedBetaGeo().fit([1000, 631, 468, 382, 326, 289, 262, 241]).params_["alpha"], 3)
0.704
"""

from retention_xl.analysis.models.bg_nbd import BetaGeo
from retention_xl.analysis.models.clv import predicted_clv
from retention_xl.analysis.models.gamma_gamma import GammaGamma
from retention_xl.analysis.models.holdout import holdout_validation
from retention_xl.analysis.models.shifted_beta_geo import ShiftedBetaGeo

__all__ = ["BetaGeo", "GammaGamma", "ShiftedBetaGeo", "predicted_clv", "holdout_validation"]
