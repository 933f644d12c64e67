"""pillscan's version: one home that every module can import without importing the package's public API.

Keep it equal to ``version`` in pyproject.toml.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
