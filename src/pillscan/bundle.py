"""The model bundle on disk: writing it, and reading it back only after its card vouches for it.

A bundle is two files side by side: ``NAME.joblib`` (the fitted scikit-learn pipeline and its numeric form,
:class:`pillscan.fastlinear.LinearModel`, which is all that scoring needs) and ``NAME.json`` (the model card).
A joblib file is code: unpickling it can run anything, so :func:`read_bundle` checks the file's sha256 against
the card *before* unpickling it, and refuses a file without a card unless the caller says it trusts it.

This module knows files, cards and versions, not scoring: :func:`pillscan.model.load_model` and
:func:`pillscan.model.save_model` turn a :class:`Bundle` into a :class:`pillscan.model.Model` and back.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import pickle
import platform
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from pillscan.errors import ModelError, UnsafeModelError
from pillscan.version import __version__

__all__ = [
    "BUNDLE_FORMAT",
    "DEFAULT_MODEL_NAME",
    "DEFAULT_THRESHOLDS",
    "RETRAIN_HINT",
    "Bundle",
    "card_path_for",
    "default_model_path",
    "file_sha256",
    "read_bundle",
    "runtime_versions",
    "sklearn_version",
    "write_bundle",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "pillscan-default"
#: Used only when a card carries no thresholds of its own (the trained ones are chosen in train.py).
DEFAULT_THRESHOLDS = {"offer": 0.5, "review": 0.25}
#: 2: the fitted pipeline (pickle bytes, scikit-learn) plus its numeric form (pickle bytes, NumPy only), so that
#: scoring never imports scikit-learn; 1: the pipeline only (still loaded; its numeric form is built on use).
BUNDLE_FORMAT = 2
READABLE_FORMATS = (1, 2)
RETRAIN_HINT = "retrain it with `pillscan train -o MODEL.joblib` (or reinstall pillscan for the bundled default)"


@dataclass
class Bundle:
    """What a bundle holds, read back (or about to be written)."""

    #: The fitted scikit-learn pipeline, or the (verified) pickle bytes of one.
    pipeline: Any
    calibration: tuple[float, float]
    thresholds: dict[str, float]
    card: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    cleared_raw: float | None = None
    #: The cascade's word stage (:class:`pillscan.features.WordStage`) or ``None``.
    word_stage: Any = None
    #: The pipeline's numeric form (:class:`pillscan.fastlinear.LinearModel`); ``None`` in format-1 bundles.
    linear: Any = None


def default_model_path() -> Path:
    """The bundled default model: inside the installed package, or ``models/`` of a source checkout."""
    packaged = Path(str(resources.files("pillscan"))) / "models" / f"{DEFAULT_MODEL_NAME}.joblib"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "models" / f"{DEFAULT_MODEL_NAME}.joblib"


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def card_path_for(path: Path) -> Path:
    """The card that goes with a model file: same name, ``.json``."""
    return path.with_suffix(".json")


def sklearn_version() -> str:
    """The installed scikit-learn's version, read from its metadata (importing it takes most of a second)."""
    try:
        return metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return "not installed"


def runtime_versions() -> dict[str, str]:
    """Versions that a model file depends on."""
    return {
        "pillscan": __version__,
        "scikit-learn": sklearn_version(),
        "joblib": joblib.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def write_bundle(path: str | Path, bundle: Bundle) -> Path:
    """Write ``NAME.joblib`` and its card ``NAME.json`` (with versions and the sha256 of the joblib file).

    ``bundle.pipeline`` must be the fitted pipeline and ``bundle.linear`` its numeric form. Returns the path
    written (``.joblib`` is added when missing); ``bundle.card`` and ``bundle.path`` become the card and path written.
    """
    path = Path(path)
    if path.suffix != ".joblib":
        path = path.with_suffix(".joblib")
    path.parent.mkdir(parents=True, exist_ok=True)
    # The fitted objects travel as one pickle inside the joblib file: unpickling them from bytes is ~10x
    # faster than joblib's object-by-object load, and every scan worker process pays that load once.
    runtime = {"linear": bundle.linear, "word_stage": bundle.word_stage}
    payload = {
        "bundle_format": BUNDLE_FORMAT,
        "fitted": pickle.dumps(bundle.pipeline, protocol=pickle.HIGHEST_PROTOCOL),
        "runtime": pickle.dumps(runtime, protocol=pickle.HIGHEST_PROTOCOL),
        "calibration": tuple(float(v) for v in bundle.calibration),
        "thresholds": dict(bundle.thresholds),
        "cleared_raw": bundle.cleared_raw,
    }
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(payload, tmp, compress=("zlib", 3))
    tmp.replace(path)
    card = dict(bundle.card)
    card.update(
        {
            "name": path.stem,
            "file": path.name,
            "sha256": file_sha256(path),
            "bytes": path.stat().st_size,
            "bundle_format": BUNDLE_FORMAT,
            "thresholds": dict(bundle.thresholds),
            "calibration": list(bundle.calibration),
            "versions": runtime_versions(),
        }
    )
    card_path_for(path).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    bundle.card = card
    bundle.path = path
    return path


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def read_bundle(path: str | Path | None = None, *, trust: bool = False) -> Bundle:
    """Read a model bundle, verifying its card's sha256 and scikit-learn version before unpickling.

    ``trust=True`` allows a model file without a card (the file is then unpickled unchecked: only do this
    for files from a source you trust). A tampered file is refused whatever ``trust`` says.
    """
    from pillscan.config import active_model

    active = active_model(path)  # no path: $PILLSCAN_MODEL, the config file, or the bundled default
    path = active.path or default_model_path()
    if path.is_dir():
        path = path / f"{DEFAULT_MODEL_NAME}.joblib"
    if not path.exists():
        hint = " (the bundled default model is missing: reinstall pillscan)" if path.stem == DEFAULT_MODEL_NAME else ""
        where = f" ({active.reason})" if active.path is not None and "--model" not in active.reason else ""
        raise ModelError(f"model file not found: {path}{where}{hint}")
    # The bytes hashed are the bytes unpickled: reading the file twice would let a swap in between run code.
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    card = _verified_card(path, data, trust=trust)
    payload = _unpickle(path, data)
    if not isinstance(payload, dict) or payload.get("bundle_format") not in READABLE_FORMATS:
        raise ModelError(f"{path.name} is not a pillscan model bundle (format {BUNDLE_FORMAT}); {RETRAIN_HINT}")
    calibration = tuple(payload["calibration"])
    thresholds = dict(payload.get("thresholds") or card.get("thresholds") or DEFAULT_THRESHOLDS)
    if not all(math.isfinite(v) for v in calibration):
        raise ModelError(f"{path.name} has an invalid calibration; {RETRAIN_HINT}")
    return Bundle(
        pipeline=payload["pipeline"],
        calibration=(float(calibration[0]), float(calibration[1])),
        thresholds=thresholds,
        card=card,
        path=path,
        cleared_raw=payload.get("cleared_raw"),
        word_stage=payload.get("word_stage"),
        linear=payload.get("linear"),
    )


def _verified_card(path: Path, data: bytes, *, trust: bool) -> dict[str, Any]:
    """The card of ``path`` once ``data`` (its bytes) match it (``{}`` for a trusted file without one)."""
    card_path = card_path_for(path)
    if not card_path.exists():
        if not trust:
            raise UnsafeModelError(
                f"{path.name} has no model card ({card_path.name}) to verify it against; a joblib file can run "
                "arbitrary code when loaded, so it is refused (pass --trust-model / trust=True only for a file "
                "from a source you trust)"
            )
        log.warning("loading %s without a card: trusted by the caller, not verified", path)
        return {}
    try:
        card: dict[str, Any] = json.loads(card_path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise UnsafeModelError(f"model card {card_path} is unreadable ({exc}); refusing to load {path.name}") from exc
    _check_card_shape(card, card_path, path)
    expected = card.get("sha256")
    if not expected:
        raise UnsafeModelError(f"model card {card_path} has no sha256; refusing to unpickle {path.name}")
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise UnsafeModelError(
            f"{path.name} does not match its card (sha256 {actual[:12]}… != {str(expected)[:12]}…): the file "
            "was changed or replaced, and unpickling an unknown file can run arbitrary code; refusing to load it"
        )
    trained_with = str(card.get("versions", {}).get("scikit-learn", ""))
    installed = sklearn_version()
    if trained_with and _minor(trained_with) != _minor(installed):
        raise ModelError(
            f"{path.name} was trained with scikit-learn {trained_with} but {installed} is installed; {RETRAIN_HINT}"
        )
    return card


def _check_card_shape(card: Any, card_path: Path, path: Path) -> None:
    """Refuse, with one line, a card that is JSON but not a card (a list, ``"versions": "x"``)."""
    if not isinstance(card, dict):
        raise UnsafeModelError(
            f"model card {card_path} is not a JSON object (got {type(card).__name__}); refusing to load {path.name}"
        )
    for key, kind in (("sha256", str), ("versions", dict), ("thresholds", dict)):
        if key in card and not isinstance(card[key], kind):
            raise UnsafeModelError(
                f"model card {card_path}: {key!r} should be a {'JSON object' if kind is dict else 'string'}, "
                f"got {type(card[key]).__name__}; refusing to load {path.name}"
            )
    thresholds = card.get("thresholds") or {}
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in thresholds.values()):
        raise UnsafeModelError(f"model card {card_path}: thresholds must be numbers; refusing to load {path.name}")


def _unpickle(path: Path, data: bytes) -> Any:
    """The payload of a verified (or trusted) joblib file, its runtime part unpickled, the pipeline left as bytes."""
    try:
        payload = joblib.load(io.BytesIO(data))
        if isinstance(payload, dict) and isinstance(payload.get("runtime"), bytes):
            # The pipeline stays pickle bytes (already verified) until something asks for it.
            payload.update(pickle.loads(payload.pop("runtime")))
            payload["pipeline"] = payload.pop("fitted", None)
        elif isinstance(payload, dict) and isinstance(payload.get("fitted"), bytes):
            payload.update(pickle.loads(payload.pop("fitted")))
    except Exception as exc:  # a corrupt or foreign pickle can raise nearly anything
        raise ModelError(f"could not load {path.name}: {type(exc).__name__}: {exc}; {RETRAIN_HINT}") from exc
    return payload
