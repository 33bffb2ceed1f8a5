"""The fits made in this Python session, recalled when the same model meets the same data.

Excel recalculates a formula whenever a cell it depends on changes, and often when
anything does; ``=P_ALIVE(...)`` and ``=CLV_PREDICT(...)`` over the same orders fit the same
purchase model on the same data each time; a report made again on an unchanged order
table (the ribbon's Python stays running) fits the same candidates again. A fit is a deterministic function of the
model, its data and its starting point, so the result of the last fits is kept (a few
dozen, the oldest forgotten first) under a digest of exactly those, and handed back as a
copy: the same estimates, log-likelihood, standard errors and limit as a fresh search,
without the search. A fit the data cannot support (a
:class:`~retention_xl.errors.ModelError`: no repeat buyers, a parameter left undetermined)
is kept too, and the same error is raised again.

Example
-------
>>> from retention_xl.analysis.models import BetaGeo
>>> first = BetaGeo().fit([0, 2, 5, 1], [0.0, 10.0, 30.0, 4.0], [40.0, 38.0, 35.0, 20.0])
>>> again = BetaGeo().fit([0, 2, 5, 1], [0.0, 10.0, 30.0, 4.0], [40.0, 38.0, 35.0, 20.0])
>>> again.params_ == first.params_ and again.params_ is not first.params_
True
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from retention_xl.errors import ModelError

__all__ = ["FITS", "FitMemory"]


class FitMemory:
    """The last ``size`` fits, by model class, data and starting point.

    ``size = 0`` keeps nothing (every fit searches afresh).
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._fits: OrderedDict[tuple, dict] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(model, arrays, start=None) -> tuple:
        """What a fit depends on: the model's class, every data array (values, type and
        length) and the starting point."""
        digest = hashlib.blake2b(digest_size=16)
        for values in arrays:
            values = np.ascontiguousarray(values)
            digest.update(f"{values.dtype.str}{values.shape}".encode())
            digest.update(values.data)
        return type(model), digest.digest(), None if start is None else tuple(start)

    def run(self, model, key: tuple, search: Callable[[], object]) -> None:
        """Fit ``model``: recall the fit kept under ``key``, or call ``search`` (which fits
        ``model``) and keep what it gives -- the fitted state or the ``ModelError``."""
        if self.recall(model, key):
            return
        try:
            search()
        except ModelError as error:
            self.keep(error, key)
            raise
        self.keep(model, key)

    def recall(self, model, key: tuple) -> bool:
        """Put the fit kept under ``key`` into ``model`` (or raise the error kept there);
        ``False`` when there is none (or ``size`` is 0)."""
        if self.size <= 0:
            return False
        with self._lock:
            state = self._fits.get(key)
            if state is None:
                return False
            self._fits.move_to_end(key)
        if isinstance(state, ModelError):
            raise ModelError(state.reason, kind=state.kind, **state.fields)
        vars(model).update(copy.deepcopy(state))
        return True

    def keep(self, model, key: tuple) -> None:
        """Keep ``model``'s fitted state (a copy: later changes to ``model`` do not reach it),
        or a ``ModelError``, under ``key``."""
        if self.size <= 0:
            return
        if isinstance(model, ModelError):  # a new one: no traceback holding the data
            state = ModelError(model.reason, kind=model.kind, **model.fields)
        else:
            state = copy.deepcopy(vars(model))
        with self._lock:
            self._fits[key] = state
            self._fits.move_to_end(key)
            while len(self._fits) > self.size:
                self._fits.popitem(last=False)

    def clear(self) -> None:
        """Forget every fit."""
        with self._lock:
            self._fits.clear()

    def __len__(self) -> int:
        return len(self._fits)


#: the fits of this session, shared by every model
FITS = FitMemory()
