"""Shared test settings: hypothesis profiles, and the doctests marked slow.

``quick`` (the default, 10 examples) keeps the everyday loop short; CI runs the ``ci`` profile
(``HYPOTHESIS_PROFILE=ci``, set by ``.ci/run``); ``fuzz`` is for a long hunt
(``HYPOTHESIS_PROFILE=fuzz pytest -k invariants``).
"""

import gc
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))  # shared test modules (order_tables, fake_xlwings)

# pytest-xdist gives its workers COLUMNS=80, and a rich console fixes its width when the
# command-line module is imported; the CLI tests choose their own width per invocation.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)

settings.register_profile("quick", max_examples=10, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

#: doctests that build something whole (over a second each), run by CI like the tests marked slow
SLOW_DOCTESTS = {"retention_xl.excel.lite.write_lite_bundle"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.name in SLOW_DOCTESTS:
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session):
    """Every module is imported by now, and those objects live as long as the run: kept out
    of the garbage collector's passes (``gc.freeze``), and the youngest objects gathered
    after 10,000 new ones instead of 700. The tests build many short-lived objects (cells,
    frames); with Python's defaults about a tenth of the quick loop's CPU went to the
    collector (BENCHMARKS.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
