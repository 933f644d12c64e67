"""Model bundle hostility (issue 15): the hash check and the unpickle see the same bytes; malformed cards."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

import pillscan.bundle as bundle_module
from pillscan.errors import UnsafeModelError
from pillscan.model import card_path_for, load_model
from test_model_safety import CodeOnLoad, tiny_bundle  # noqa: F401  (the fixture)


def test_file_swapped_right_after_hashing_is_not_unpickled(
    tiny_bundle: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The attacker wins the race: the moment the file has been hashed, it is replaced by a planted pickle.
    path = tmp_path / "m.joblib"
    shutil.copy(tiny_bundle, path)
    shutil.copy(card_path_for(tiny_bundle), card_path_for(path))
    marker = tmp_path / "PWNED"
    planted = pickle.dumps(CodeOnLoad(marker))
    real_sha256 = hashlib.sha256

    class SwapAfterHash:
        def __init__(self, data: bytes = b"") -> None:
            self._h = real_sha256(data)

        def update(self, data: bytes) -> None:
            self._h.update(data)

        def hexdigest(self) -> str:
            digest = self._h.hexdigest()
            path.write_bytes(planted)  # swapped between the check and the load
            return digest

    fake = type("H", (), {"sha256": SwapAfterHash})
    monkeypatch.setattr(bundle_module, "hashlib", fake)
    model = load_model(path)
    assert not marker.exists()
    assert model.score(["hello"])[0].decision in ("clean", "review", "offer")


@pytest.mark.parametrize(
    "card",
    [["not", "a", "card"], {"sha256": "x", "versions": "x"}, {"sha256": 5}, {"sha256": "x", "thresholds": "x"}],
    ids=["list", "versions-string", "sha-number", "thresholds-string"],
)
def test_malformed_card_is_a_clear_refusal(tiny_bundle: Path, tmp_path: Path, card: Any) -> None:  # noqa: F811
    path = tmp_path / "m.joblib"
    shutil.copy(tiny_bundle, path)
    card_path_for(path).write_text(json.dumps(card))
    with pytest.raises(UnsafeModelError, match="model card"):
        load_model(path)
