"""The model on the Dask workers: sent once per worker by a plugin, verified there, cached per process.

A pillscan bundle travels as its file bytes plus its card; the worker checks the bytes' sha256, writes them to its
local directory and loads them with :func:`pillscan.model.load_model` (which checks the card and the
scikit-learn version again). Any other model object travels pickled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from pillscan.engines.options import resolve_model
from pillscan.errors import ModelError, UnsafeModelError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["ModelPlugin", "model_from_path", "model_loads", "model_plugin", "register_model", "worker_model"]

log = logging.getLogger(__name__)

_MODELS: dict[str, Any] = {}  # per worker process: key (sha256) -> loaded model
_LOADS: Counter[str] = Counter()  # how often each key was loaded in this process (tests check "once")
_MODELS_LOCK = threading.Lock()


class ModelPlugin(WorkerPlugin):
    """Carries a model to every worker (also ones that join later) and loads it there once."""

    def __init__(self, key: str, payload: bytes, *, card: dict[str, Any] | None, kind: str, trust: bool) -> None:
        self.key = key
        self.name = f"pillscan-model-{key[:16]}"
        self.payload = payload
        self.digest = hashlib.sha256(payload).hexdigest()
        self.card = card
        self.kind = kind
        self.trust = trust

    def setup(self, worker: Any) -> None:
        """Verify and load the model into this worker process's cache (nothing to do if already there)."""
        with _MODELS_LOCK:
            if self.key in _MODELS:
                return
            if hashlib.sha256(self.payload).hexdigest() != self.digest:
                raise UnsafeModelError("the model bytes that reached this worker do not match their sha256")
            if self.kind == "bundle":
                model = self._load_bundle(Path(getattr(worker, "local_directory", None) or tempfile.gettempdir()))
            else:
                model = pickle.loads(self.payload)  # pickled by our own client from a live model object
            _MODELS[self.key] = model
            _LOADS[self.key] += 1
            log.info("pillscan model %s loaded on %s", self.key[:12], getattr(worker, "address", "?"))

    def _load_bundle(self, directory: Path) -> Any:
        from pillscan.model import load_model

        folder = directory / "pillscan-models"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.key[:16]}.joblib"
        path.write_bytes(self.payload)
        if self.card:
            path.with_suffix(".json").write_text(json.dumps(self.card), encoding="utf-8")
        return load_model(path, trust=self.trust)

    def teardown(self, worker: Any) -> None:
        """Drop the model when the plugin is unregistered (a scan on a shared cluster frees its memory)."""
        with _MODELS_LOCK:
            _MODELS.pop(self.key, None)


def model_plugin(model: Any, trust: bool) -> ModelPlugin:
    """The plugin that carries the loaded ``model`` (a bundle by its file, anything else pickled)."""
    path = getattr(model, "path", None)
    card = getattr(model, "card", None)
    from pillscan.model import Model

    if isinstance(model, Model) and path is not None and Path(path).exists():
        payload = Path(path).read_bytes()
        key = str(card["sha256"]) if card and card.get("sha256") else hashlib.sha256(payload).hexdigest()
        if card and card.get("sha256") and hashlib.sha256(payload).hexdigest() != key:
            raise UnsafeModelError(f"{Path(path).name} changed on disk since it was loaded; load it again")
        return ModelPlugin(key, payload, card=dict(card) if card else None, kind="bundle", trust=trust or not card)
    try:
        payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an unpicklable custom model
        raise ModelError(f"cannot send the model to Dask workers: {type(exc).__name__}: {exc}") from exc
    return ModelPlugin(hashlib.sha256(payload).hexdigest(), payload, card=None, kind="pickle", trust=True)


def register_model(client: Client, model: Any = None, *, trust: bool = False) -> str:
    """Send ``model`` (loaded model, path, or None for the default) to every worker of ``client``; returns its key.

    Pass the key to :func:`~pillscan.engines.dask.score_partition` (``model_key=``) so partitions use the model
    the workers already hold.
    """
    plugin = model_plugin(resolve_model(model, trust), trust)
    client.register_plugin(plugin, name=plugin.name)
    return plugin.key


def worker_model(key: str) -> Any:
    """The model registered under ``key`` in this worker process."""
    model = _MODELS.get(key)
    if model is None:
        raise ModelError(f"model {key[:12]} is not loaded on this worker; call register_model(client, ...) first")
    return model


def model_from_path(path: str | Path | None, trust: bool) -> Any:
    """Load a model file once per process (cached by path, size and mtime): for plain ``map_partitions`` use.

    ``None`` is the model every command uses in this (worker) process, as for the local engine:
    ``$PILLSCAN_MODEL``, else the config file's ``model``, else the bundled default (:mod:`pillscan.config`).
    """
    from pillscan.config import active_model
    from pillscan.model import default_model_path, load_model

    p = Path(path) if path is not None else (active_model().path or default_model_path())
    try:
        st = p.stat()
        key = f"path:{p.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        key = f"path:{p}"
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = _MODELS[key] = load_model(path, trust=trust)  # None: resolved again, errors say why
            _LOADS[key] += 1
    return model


def model_loads() -> dict[str, int]:
    """How many times each model was loaded in this process (run it on workers with ``client.run``)."""
    return dict(_LOADS)
