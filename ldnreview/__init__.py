"""Helper package for the LDN Evidence Book.

Notebooks import from here; nothing in a notebook is copied from another.
"""

from .chapter import Chapter, show_fingerprint
from .load import DataError, load

__all__ = ["Chapter", "DataError", "load", "show_fingerprint"]
