"""Model files are code: the card's sha256 and scikit-learn version are checked *before* anything is unpickled.

Every refusal test plants a pickle whose ``__reduce__`` runs ``os.system("touch MARKER")`` where the model file
should be; the marker file existing afterwards would mean pillscan unpickled an untrusted file. A control test
shows that the trick really does fire when a file is unpickled, so the refusal tests can fail.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import sklearn

import pillscan.bundle as bundle_module
from pillscan.cli import main
from pillscan.errors import ModelError, UnsafeModelError
from pillscan.model import Model, card_path_for, default_model_path, load_model, save_model
from pillscan.pipeline import build_pipeline

OFFERS = [
    "xanax bars 2mg for sale, snap me for the menu",
    "percs m30 blues, cashapp only, ships today",
    "adderall 30mg no script needed, telegram @plug",
    "oxy 80s pressed, dm for prices, discreet shipping",
]
OTHERS = [
    "police warn parents about fake pills pressed with fentanyl",
    "my doctor changed my adderall dose this week",
    "selling jordans size 10, dm me, cashapp",
    "the bus was late again this morning",
]


class CodeOnLoad:
    """Unpickling this object runs a shell command that creates ``marker``: a stand-in for an attack."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, (f"touch {shlex.quote(str(self.marker))}",))


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small but real pillscan bundle (pipeline fitted on a few texts) with its card, saved by save_model."""
    pipeline = build_pipeline()
    pipeline.fit(OFFERS * 3 + OTHERS * 3, [1] * 12 + [0] * 12)
    model = Model(pipeline=pipeline, calibration=(1.0, 0.0), thresholds={"offer": 0.5, "review": 0.25}, card={})
    return save_model(model, tmp_path_factory.mktemp("bundle") / "tiny.joblib")


@pytest.fixture
def bundle(tiny_bundle: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny bundle (model + card) that a test may tamper with."""
    dest = tmp_path / "model.joblib"
    shutil.copy(tiny_bundle, dest)
    shutil.copy(card_path_for(tiny_bundle), card_path_for(dest))
    return dest


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "PWNED"


@pytest.fixture
def no_unpickling(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record every call to joblib.load made by pillscan.bundle (a second witness next to the marker file)."""
    calls: list[Any] = []
    real = bundle_module.joblib.load

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(bundle_module.joblib, "load", spy)
    return calls


def plant(path: Path, marker: Path) -> None:
    """Put a code-running pickle at ``path`` (leaving any card next to it alone)."""
    path.write_bytes(pickle.dumps(CodeOnLoad(marker)))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_card(model_path: Path, **changes: Any) -> None:
    card_file = card_path_for(model_path)
    card = json.loads(card_file.read_text())
    for key, value in changes.items():
        if key == "sklearn":
            card["versions"]["scikit-learn"] = value
        else:
            card[key] = value
    card_file.write_text(json.dumps(card))


def one_line(message: str) -> bool:
    return "\n" not in message and "Traceback" not in message


# --- the control: the marker trick works ---------------------------------------------------------------------


def test_control_the_planted_pickle_runs_code_when_unpickled(tmp_path: Path, marker: Path) -> None:
    evil = tmp_path / "evil.joblib"
    plant(evil, marker)
    # trust=True is the documented way to load a cardless file unchecked: the code runs, then the bundle check fails.
    with pytest.raises(ModelError, match="not a pillscan model bundle"):
        load_model(evil, trust=True)
    assert marker.exists()


# --- (a) tampered files ------------------------------------------------------------------------------------------


def test_round_trip_card_matches_file(bundle: Path) -> None:
    card = json.loads(card_path_for(bundle).read_text())
    assert card["sha256"] == sha256(bundle) and card["bytes"] == bundle.stat().st_size
    assert card["versions"]["scikit-learn"] == sklearn.__version__
    model = load_model(bundle)
    assert [r.decision for r in model.score([OFFERS[0], OTHERS[3]])] == ["offer", "clean"]


@pytest.mark.parametrize("where", [0, 100, -1])
def test_one_flipped_byte_is_refused_before_unpickling(bundle: Path, where: int, no_unpickling: list[Any]) -> None:
    data = bytearray(bundle.read_bytes())
    data[where] ^= 0x01
    bundle.write_bytes(bytes(data))
    with pytest.raises(UnsafeModelError, match="does not match its card") as info:
        load_model(bundle)
    assert no_unpickling == []
    assert "arbitrary code" in str(info.value) and one_line(str(info.value))


@pytest.mark.parametrize("trust", [False, True])
def test_swapped_in_code_pickle_is_refused_and_never_runs(
    bundle: Path, marker: Path, trust: bool, no_unpickling: list[Any]
) -> None:
    plant(bundle, marker)  # the old card stays: its sha256 no longer matches
    with pytest.raises(UnsafeModelError) as info:
        load_model(bundle, trust=trust)  # trust only covers a *missing* card, never a mismatching one
    assert not marker.exists() and no_unpickling == []
    message = str(info.value)
    assert "sha256" in message and "arbitrary code" in message and "refusing" in message and one_line(message)


def test_another_valid_pillscan_bundle_under_the_old_card_is_refused(
    bundle: Path, tmp_path: Path, no_unpickling: list[Any]
) -> None:
    other = load_model(bundle)
    other.calibration = (2.0, -1.0)
    save_model(other, tmp_path / "other.joblib")
    shutil.copy(tmp_path / "other.joblib", bundle)  # a perfectly valid bundle, but not the one the card describes
    no_unpickling.clear()
    with pytest.raises(UnsafeModelError, match="does not match its card"):
        load_model(bundle)
    assert no_unpickling == []


@pytest.mark.parametrize(
    "card_text",
    ["{not json", json.dumps({"name": "model"}), json.dumps({"sha256": ""}), "\udcff".encode("utf-8", "surrogatepass")],
)
def test_unreadable_or_incomplete_card_is_refused(
    bundle: Path, marker: Path, card_text: str | bytes, no_unpickling: list[Any]
) -> None:
    plant(bundle, marker)
    card = card_path_for(bundle)
    card.write_bytes(card_text if isinstance(card_text, bytes) else card_text.encode())
    with pytest.raises(UnsafeModelError, match="refusing") as info:
        load_model(bundle, trust=True)
    assert not marker.exists() and no_unpickling == [] and one_line(str(info.value))


# --- (b) missing card ---------------------------------------------------------------------------------------------


def test_missing_card_is_refused_naming_the_risk_and_the_way_past(
    tmp_path: Path, marker: Path, no_unpickling: list[Any]
) -> None:
    evil = tmp_path / "shared-by-a-stranger.joblib"
    plant(evil, marker)
    with pytest.raises(UnsafeModelError) as info:
        load_model(evil)
    message = str(info.value)
    assert "no model card" in message and "arbitrary code" in message and "--trust-model" in message
    assert one_line(message) and not marker.exists() and no_unpickling == []


def test_trust_loads_a_legit_cardless_copy_and_says_so(bundle: Path, tmp_path: Path, caplog: Any) -> None:
    cardless = tmp_path / "cardless" / "copy.joblib"
    cardless.parent.mkdir()
    shutil.copy(bundle, cardless)
    with pytest.raises(UnsafeModelError, match="--trust-model"):
        load_model(cardless)
    with caplog.at_level(logging.WARNING, logger="pillscan.bundle"):
        model = load_model(cardless, trust=True)
    assert "without a card" in caplog.text and "not verified" in caplog.text
    assert model.card == {} and model.score([OFFERS[1]])[0].decision == "offer"


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model file not found") as info:
        load_model(tmp_path / "nope.joblib")
    assert one_line(str(info.value))


# --- (c) scikit-learn version ------------------------------------------------------------------------------------


def test_other_sklearn_minor_version_gives_the_retrain_command_before_unpickling(
    bundle: Path, marker: Path, no_unpickling: list[Any]
) -> None:
    # The card vouches for the planted file's bytes, but says another scikit-learn trained it: still not unpickled.
    plant(bundle, marker)
    rewrite_card(bundle, sha256=sha256(bundle), sklearn="0.24.2")
    with pytest.raises(ModelError) as info:
        load_model(bundle)
    message = str(info.value)
    assert "0.24.2" in message and sklearn.__version__ in message and "pillscan train" in message
    assert one_line(message) and not marker.exists() and no_unpickling == []


def test_other_sklearn_patch_version_loads(bundle: Path) -> None:
    major, minor, *_ = sklearn.__version__.split(".")
    rewrite_card(bundle, sklearn=f"{major}.{minor}.999")
    assert load_model(bundle).score([OFFERS[2]])[0].decision == "offer"


# --- (d) corrupt files with a matching card -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"\x00garbage, not a pickle at all" * 10, "could not load"),
        (None, "could not load"),  # the real bundle cut in half
        (pickle.dumps({"bundle_format": 999}), "not a pillscan model bundle"),
        (pickle.dumps([1, 2, 3]), "not a pillscan model bundle"),
        (b"", "could not load"),
    ],
)
def test_corrupt_file_with_matching_card_is_one_line_model_error(
    bundle: Path, payload: bytes | None, expected: str
) -> None:
    data = bundle.read_bytes()
    bundle.write_bytes(data[: len(data) // 2] if payload is None else payload)
    rewrite_card(bundle, sha256=sha256(bundle))
    with pytest.raises(ModelError, match=expected) as info:
        load_model(bundle)
    assert not isinstance(info.value, UnsafeModelError)
    assert one_line(str(info.value)) and "pillscan train" in str(info.value)


def test_bundle_with_broken_calibration_is_refused(bundle: Path, tmp_path: Path) -> None:
    model = load_model(bundle)
    model.calibration = (float("nan"), 0.0)
    broken = save_model(model, tmp_path / "nan.joblib")
    with pytest.raises(ModelError, match="invalid calibration"):
        load_model(broken)


# --- (e) the command line ---------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_refuses_a_tampered_model_in_one_line(bundle: Path, marker: Path, capsys: Any) -> None:
    plant(bundle, marker)
    for command in (["info"], ["explain", "xanax for sale"], ["score", "-", "--per-line"]):
        code, out, err = run(capsys, *command, "--model", str(bundle))
        assert code == 1, (command, err)
        assert err.startswith("pillscan: error:") and err.count("\n") == 1 and "Traceback" not in err
        assert "arbitrary code" in err and out == ""
    assert not marker.exists()


def test_cli_trust_model_is_the_only_way_past_a_missing_card(bundle: Path, tmp_path: Path, capsys: Any) -> None:
    cardless = tmp_path / "elsewhere.joblib"
    shutil.copy(bundle, cardless)
    code, _, err = run(capsys, "info", "--model", str(cardless))
    assert code == 1 and "--trust-model" in err and err.count("\n") == 1
    code, out, err = run(capsys, "-q", "info", "--model", str(cardless), "--trust-model")
    assert code == 0, err
    assert json.loads(out)["path"] == str(cardless)
    code, out, _ = run(capsys, "info", "--help")
    assert code == 0 and "--trust-model" in out and "run code" in out  # the flag says what it does


# --- (f) the bundled default model ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_model() -> Model:
    return load_model()


def test_default_model_is_verified_and_behaves(default_model: Model) -> None:
    path = default_model_path()
    card = json.loads(card_path_for(path).read_text())
    assert default_model.path == path and card["sha256"] == sha256(path)
    offer, news = default_model.score(
        [
            "Xanax 2mg bars and M30 blues in stock, snap me for the menu, CashApp only, ships same day",
            "Police said the counterfeit pills seized on Tuesday were pressed to look like oxycodone.",
        ]
    )
    assert offer.decision == "offer" and offer.drugs
    assert news.decision == "clean"
