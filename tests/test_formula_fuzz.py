"""Formulas under abuse: cases the fuzzing found."""

from __future__ import annotations

import pytest

from retention_xl import udfs


@pytest.fixture()
def text_errors(monkeypatch):
    monkeypatch.setenv("RETENTION_XL_ERRORS", "text")


def test_discounted_clv_growing_without_bound_is_num(text_errors):
    # retention 1 with a -50% discount rate doubles the value every period
    assert udfs.CLV_DISCOUNTED(100.0, 1.0, -0.5, 20.0) == 100 * (2**20 - 1)
    assert udfs.CLV_DISCOUNTED(100.0, 1.0, -0.5, 1e308).startswith(
        "#NUM! retention above 1 + discount over 1e+308 periods")


def test_nps_margin_at_a_confidence_that_rounds_to_one_is_num(text_errors):
    assert udfs.NPS_MOE([[9.0], [3.0]], 0.9999999999999999).startswith(
        "#NUM! confidence 0.9999999999999999 is too close to 1")
