"""Every test runs with no user model setting: no $PILLSCAN_MODEL, and a config file path of its own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_user_model_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PILLSCAN_MODEL", raising=False)
    monkeypatch.setenv("PILLSCAN_CONFIG", str(tmp_path / "pillscan-config.json"))
