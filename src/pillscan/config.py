"""Which model every command uses, and where pillscan keeps the models a user trains.

The active model is, first match wins: the ``--model`` option (or the ``path`` given to ``load_model``); the
``PILLSCAN_MODEL`` environment variable; ``"model"`` in the config file (``PILLSCAN_CONFIG``, else
``config.json`` in the user config directory, e.g. ``~/.config/pillscan/config.json``); the bundled default.
``pillscan info`` says which one is active and why. ``pillscan train`` without ``-o`` writes to the user data
directory (e.g. ``~/.local/share/pillscan/models/``), never into the package or a source checkout.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pillscan.errors import InputError

__all__ = [
    "CONFIG_ENV",
    "MODEL_ENV",
    "ActiveModel",
    "active_model",
    "config_path",
    "read_config",
    "set_default_model",
    "user_models_dir",
]

MODEL_ENV = "PILLSCAN_MODEL"
CONFIG_ENV = "PILLSCAN_CONFIG"
APP = "pillscan"


@dataclass(frozen=True)
class ActiveModel:
    """The model a command uses: ``path`` (``None``: the bundled default) and why it is that one."""

    path: Path | None
    reason: str


def config_path() -> Path:
    """The config file: ``$PILLSCAN_CONFIG``, else ``config.json`` in the user config directory."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP) / "config.json"


def user_models_dir() -> Path:
    """Where ``pillscan train`` writes a model when no ``-o`` is given."""
    import platformdirs

    return platformdirs.user_data_path(APP) / "models"


def read_config() -> dict[str, Any]:
    """The config file's settings (``{}`` when there is none); a broken file is a one-line error."""
    path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InputError(f"cannot read the pillscan config {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise InputError(f"the pillscan config {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f'the pillscan config {path} must be a JSON object like {{"model": "PATH"}}')
    return data


def active_model(explicit: str | Path | None = None) -> ActiveModel:
    """The model to use and why (see the module docstring for the order)."""
    if explicit is not None:
        return ActiveModel(Path(explicit), "given with --model")
    named = os.environ.get(MODEL_ENV)
    if named:
        return ActiveModel(Path(named).expanduser(), f"named by the {MODEL_ENV} environment variable")
    config = read_config()
    model = config.get("model")
    if model:
        path = Path(str(model)).expanduser()
        if not path.is_absolute():  # relative to the config file, so the file can travel with its models
            path = config_path().parent / path
        return ActiveModel(path, f"set in the config file {config_path()}")
    return ActiveModel(None, "the bundled default (no --model, no $PILLSCAN_MODEL, no config file setting)")


def set_default_model(path: str | Path) -> Path:
    """Make ``path`` the model every command uses (written to the config file); returns the config file."""
    target = config_path()
    config = read_config()
    config["model"] = str(Path(path).resolve())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # A fresh temporary (exclusive create, never a pre-planted file) renamed over the config.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(config, indent=2) + "\n")
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write the pillscan config {target}: {exc.strerror or exc}") from exc
    return target
