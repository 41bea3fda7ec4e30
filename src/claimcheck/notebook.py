"""Small helpers used by the chapter notebooks."""

from __future__ import annotations

import numbers

import numpy as np


def plain(value):
    """Turn numpy scalars into Python ones so glued numbers render as ``1.23``, not ``np.float64(1.23)``."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def glue(name: str, value, display: bool = False):
    """myst-nb ``glue`` for numbers and text, always with plain Python values."""
    from myst_nb import glue as _glue

    _glue(name, plain(value), display=display)
    return plain(value)
