"""Shared code for the book: data loading and validation, consistency maths, plot style."""

__all__ = ["DataValidationError", "catalogue", "load", "validate_all"]
__version__ = "0.2.0"


def __getattr__(name):
    # The data functions are loaded on first use, so the Sphinx extension (which needs only
    # small parts of the package on a build where nothing changed) does not import pandas.
    if name in __all__:
        from claimcheck.data import package as datapackage

        return getattr(datapackage, name)
    raise AttributeError(f"module 'claimcheck' has no attribute {name!r}")
