"""Cross-region comparative analysis of Chinese local education plans.

Raw texts (``data/raw``) → curated tables with provenance (``data/curated``) → comparisons,
figures and workbooks. Importing the package has no side effects.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
