"""Shared code for the book: data loading and validation, consistency maths, plot style."""

from .datapackage import DataValidationError, catalogue, load, validate_all

__all__ = ["DataValidationError", "catalogue", "load", "validate_all"]
__version__ = "0.1.0"
