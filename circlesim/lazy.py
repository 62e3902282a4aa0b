"""Packages whose public names are imported on first use (PEP 562).

``circlesim``, ``circlesim.sweep`` and ``circlesim.fit`` export names from modules that import
Mesa, pandas, Dask or the model; the command line imports these packages to register its
sub-commands. Loading a name only when it is first used keeps ``circlesim --help``, ``circlesim
params`` and the start of a first run on a cold cache from waiting for all of that.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: dict[str, str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, whose public names
    (``exports``: name -> the module that defines it, relative to ``package``) are imported on
    first use and then kept as ordinary attributes.

    Usage, in the package's ``__init__.py``::

        __getattr__, __dir__ = lazy_exports(__name__, {"run_sweep": ".engine", ...})
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
