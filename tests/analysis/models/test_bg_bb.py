"""BG/BB: the donation data of Fader, Hardie & Berger (2010) and lifetimes' predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from order_tables import DATA

from retention_xl.analysis.models import BetaGeoBetaBinom
from retention_xl.errors import ModelError, OutOfRange

DONATIONS = pd.read_csv(DATA / "donations.csv")
# Fader, Hardie & Berger (2010), section 4: 11,104 donors, 6 drives
PUBLISHED = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
# lifetimes 0.11.3 BetaGeoBetaBinomFitter with params_ = PUBLISHED, for the 22 rows of
# donations.csv in order: conditional_probability_alive(1, ...) and
# conditional_expected_number_of_purchases_up_to_time(5, ...)
LIFETIMES_P_ALIVE = [0.10801658416867378, 0.06940809320654888, 0.25455647695168954, 0.4811805985200744,
                     0.6802512434979433, 0.8280673360231217, 0.9304025423727351, 0.0663795473543719,
                     0.2987681022466018, 0.5895141164335709, 0.8044715946413233, 0.9304025423725641,
                     0.09497278938124637, 0.43946285705567345, 0.7667340499954726, 0.9304025423725096,
                     0.20013343420062785, 0.6967010676849671, 0.9304025423726385, 0.521908286280398,
                     0.9304025423728004, 0.930402542372872]
LIFETIMES_EXPECTED_5 = [0.07280287747504345, 0.08563539833787007, 0.31407065510893434, 0.5936784937182712,
                        0.8392909748063992, 1.021665815827774, 1.1479265406924992, 0.11905795332635284,
                        0.5358686551865461, 1.0573489419094628, 1.4428953704047085, 1.6687643540735455,
                        0.22350823004859574, 1.034228498420919, 1.8044259997939913, 2.1896021674546735,
                        0.5830268479019153, 2.0296230314774215, 2.7104399808362754, 1.8125817366915158,
                        3.2312777942181365, 3.752115607599819]


@pytest.fixture
def published():
    model = BetaGeoBetaBinom()
    model.params_ = dict(PUBLISHED)
    return model


def rows():
    return DONATIONS["frequency"], DONATIONS["recency"], DONATIONS["periods"]


def test_donations_reproduce_published_estimates():
    assert DONATIONS["weights"].sum() == 11104
    model = BetaGeoBetaBinom().fit(*rows(), weights=DONATIONS["weights"])
    assert [model.params_[k] for k in PUBLISHED] == pytest.approx(list(PUBLISHED.values()), abs=6e-4)
    assert model.log_likelihood_ == pytest.approx(-33225.6, abs=0.05)
    # lifetimes 0.11.3 summary["se(coef)"] (its optimum differs in the 4th digit of delta)
    assert [model.standard_errors_[k] for k in PUBLISHED] == pytest.approx([0.06939, 0.02945, 0.05101, 0.32082],
                                                                           rel=5e-4)


def test_one_row_per_donor_gives_the_same_fit():
    repeated = DONATIONS.loc[DONATIONS.index.repeat(DONATIONS["weights"])]
    model = BetaGeoBetaBinom().fit(repeated["frequency"], repeated["recency"], repeated["periods"])
    assert model.params_["alpha"] == pytest.approx(1.204, abs=6e-4)


def test_predictions_match_lifetimes(published):
    assert published.p_alive(*rows()) == pytest.approx(LIFETIMES_P_ALIVE, rel=1e-11)
    assert published.expected_purchases(5, *rows()) == pytest.approx(LIFETIMES_EXPECTED_5, rel=1e-11)


def test_distribution_of_purchases_of_a_new_donor(published):
    x = np.arange(7)
    pmf = published.probability_of_purchases(x, 6)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert x @ pmf == pytest.approx(float(published.expected_purchases_new(6)), rel=1e-12)
    # the paper's Figure 3: 3,464 of 11,104 donors never gave again in 6 drives; the model ~3,455
    assert 11104 * pmf[0] == pytest.approx(3464, rel=0.01)


def test_bad_patterns_are_refused(published):
    with pytest.raises(OutOfRange, match="cannot exceed recency"):
        published.p_alive(3, 2, 6)
    with pytest.raises(OutOfRange, match="recency is 0 exactly"):
        published.p_alive(0, 2, 6)
    with pytest.raises(OutOfRange, match="whole number"):
        published.p_alive(1.5, 2, 6)


def test_nobody_gave_again_is_a_model_error():
    with pytest.raises(ModelError) as caught:
        BetaGeoBetaBinom().fit([0, 0], [0, 0], [6, 6], weights=[10, 20])
    assert caught.value.kind == "no_repeat_buyers"
