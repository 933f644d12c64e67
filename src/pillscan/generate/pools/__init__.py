"""Phrase pools of the generator (JSON package data): what people write, kept apart from the grammar."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load_pool"]


@cache
def load_pool(name: str) -> dict[str, Any]:
    """The phrase pool ``pools/<name>.json`` (keys starting with ``_`` are notes and are dropped)."""
    text = resources.files("pillscan.generate.pools").joinpath(f"{name}.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}
