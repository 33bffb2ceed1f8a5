"""xlwings' Windows implementation, imported on Linux with pywin32 stubbed.

On Windows, ``xw.func``/``xw.arg``/``xw.ret`` are the decorators of ``xlwings/udfs.py``,
which also holds ``generate_vba_wrapper`` and ``import_udfs`` (what *Import Functions*
runs). That module imports pywin32 (``pythoncom``, ``pywintypes``, ``win32com.client``)
at the top, and ``xlwings/_xlwindows.py`` also loads Windows DLLs through ``ctypes``.
:func:`windows_xlwings` puts stand-ins for exactly those into ``sys.modules`` and
``ctypes`` so that xlwings' own code imports and runs here; nothing of xlwings is copied
or changed. Everything is put back when the context ends.

:func:`with_windows_decorators` executes a module's source again with xlwings' Windows
decorators in place of the Linux no-ops, so the functions carry ``__xlfunc__`` exactly
as they do on Windows.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import xlwings


class com_error(Exception):  # noqa: N801 -- pywintypes' name
    """pywintypes.com_error: (hresult, text, excepinfo, argerror)."""

    def __init__(self, hresult: int = -2147352567, text: str = "Exception occurred.", excepinfo=None,
                 argerror=None):
        super().__init__(hresult, text, excepinfo, argerror)
        self.hresult = hresult


class _Anything:
    """A DLL handle whose every function does nothing (ctypes.windll, oledll, PyDLL)."""

    def __getattr__(self, name: str) -> _Anything:
        return _Anything()

    def __call__(self, *args, **kwargs) -> int:
        return 0


def _module(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    return module


def _stubs() -> dict[str, types.ModuleType]:
    client = _module(
        "win32com.client",
        Dispatch=lambda obj, *args, **kwargs: obj,  # COM objects stay the stand-ins they are
        DispatchEx=lambda obj, *args, **kwargs: obj,
        CDispatch=type("CDispatch", (), {}),
        CoClassBaseClass=type("CoClassBaseClass", (), {}),
        DispatchBaseClass=type("DispatchBaseClass", (), {}),
    )
    return {
        "pywintypes": _module("pywintypes", com_error=com_error, TimeType=type("TimeType", (), {})),
        "pythoncom": _module("pythoncom", __file__="pythoncom311.dll", CoInitialize=lambda: None,
                             IID_IDispatch=None, com_error=com_error),
        "win32api": _module("win32api"),
        "win32con": _module("win32con"),
        "win32gui": _module("win32gui"),
        "win32process": _module("win32process"),
        "win32timezone": _module("win32timezone"),
        "win32com": _module("win32com", client=client),
        "win32com.client": client,
    }


@dataclass(frozen=True)
class WindowsXlwings:
    udfs: types.ModuleType  # xlwings/udfs.py
    xlwindows: types.ModuleType  # xlwings/_xlwindows.py
    com_error: type[Exception]


@contextmanager
def windows_xlwings() -> Iterator[WindowsXlwings]:
    """Import ``xlwings.udfs`` and ``xlwings._xlwindows`` with pywin32 stubbed; undo it after."""
    saved_modules = dict(sys.modules)
    saved_ctypes = {name: getattr(ctypes, name, None) for name in ("windll", "oledll", "PyDLL")}
    saved_attrs = {name: getattr(xlwings, name, None) for name in ("udfs", "_xlwindows", "_win32patch")}
    try:
        sys.modules.update(_stubs())
        ctypes.windll = _Anything()
        ctypes.oledll = _Anything()
        ctypes.PyDLL = lambda *args, **kwargs: _Anything()
        xlwindows = importlib.import_module("xlwings._xlwindows")
        udfs = importlib.import_module("xlwings.udfs")
        yield WindowsXlwings(udfs, xlwindows, com_error)
    finally:
        for name in set(sys.modules) - set(saved_modules):
            del sys.modules[name]
        sys.modules.update(saved_modules)
        for name, value in saved_ctypes.items():
            if value is None:
                if hasattr(ctypes, name):
                    delattr(ctypes, name)
            else:
                setattr(ctypes, name, value)
        for name, value in saved_attrs.items():
            if value is None:
                if name in vars(xlwings):
                    delattr(xlwings, name)
            else:
                setattr(xlwings, name, value)


@contextmanager
def windows_decorators(win: WindowsXlwings) -> Iterator[None]:
    """``xw.func``, ``xw.arg``, ``xw.ret`` as on Windows, for modules executed inside."""
    saved = {name: getattr(xlwings, name) for name in ("func", "arg", "ret")}
    xlwings.func, xlwings.arg, xlwings.ret = win.udfs.xlfunc, win.udfs.xlarg, win.udfs.xlret
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(xlwings, name, value)


def with_windows_decorators(win: WindowsXlwings, module_name: str) -> types.ModuleType:
    """A fresh copy of ``module_name`` whose functions were decorated by xlwings on Windows.

    The copy is not put into ``sys.modules``; the imported module is left as it is.
    """
    spec = importlib.util.find_spec(module_name)
    module = importlib.util.module_from_spec(spec)
    with windows_decorators(win):
        spec.loader.exec_module(module)
    return module
