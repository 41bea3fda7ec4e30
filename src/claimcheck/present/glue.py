"""Numbers from the notebooks into the text: myst-nb ``glue`` with plain, machine-portable values."""

from __future__ import annotations

import math
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



# Significant digits a glued float keeps. A double carries about 16; the last few depend on the
# machine (BLAS kernel chosen by OPENBLAS_CORETYPE, numpy's SIMD paths, summation order), and
# iterative fits can amplify that round-off by a few orders of magnitude. Ten digits leave about
# five orders of margin below that noise, while every number the prose shows (2 to 4 digits) and
# any real change down to the 6th significant digit still alters the stored output nbval compares.
GLUE_SIGNIFICANT_DIGITS = 10


def portable(value, digits: int = GLUE_SIGNIFICANT_DIGITS):
    """``value`` as a plain Python value, floats rounded to ``digits`` significant digits, so the
    stored output is the same on every machine. Integers, text, NaN and infinities are unchanged."""
    value = plain(value)
    if isinstance(value, float) and math.isfinite(value) and value != 0.0:
        return float(f"{value:.{digits}g}")
    return value


def glue(name: str, value, display: bool = False):
    """myst-nb ``glue`` for numbers and text, always with plain Python values; floats keep
    :data:`GLUE_SIGNIFICANT_DIGITS` significant digits (see :func:`portable`).

    Returns the stored value so it can be reused; end a cell's last glue call with ``;`` so the
    value is not also printed.
    """
    from myst_nb import glue as _glue

    stored = portable(value)
    _glue(name, stored, display=display)
    return stored


def glue_all(values: dict) -> dict:
    """Glue every ``name: value`` pair of a declared mapping (one call instead of a wall of
    ``glue`` lines); returns the plain values under the same names."""
    return {name: glue(name, value) for name, value in values.items()}


def kernel_shell(shell=None):
    """The running IPython shell that displays outputs (``shell`` if given), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = shell or get_ipython()
    return shell if shell is not None and hasattr(shell, "display_formatter") else None
