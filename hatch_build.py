"""Wheel build hook: compile pillscan's per-post text code with mypyc (a C extension per module).

The modules in ``COMPILED`` (normalisation, signal counting and intent cues: most of a scan's time per post) are
plain, fully typed Python; mypyc turns them into C extensions that behave the same and run faster. The ``.py``
files still ship in the wheel (Python imports the extension when both are present; tests/test_compiled.py checks
that the two give the same results).

Compilation is an optimisation, never a requirement: when mypyc, setuptools or a C compiler is missing, or the
compilation fails, the hook says so on stderr and the wheel is built as pure Python. It is skipped on purpose for
editable installs (edits to the ``.py`` files must take effect) and when ``PILLSCAN_PURE_PYTHON=1``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Modules compiled, relative to src/.
COMPILED = ("pillscan/normalize.py", "pillscan/signals.py", "pillscan/intent.py")
_EXTENSION_SUFFIXES = (".so", ".pyd")
_TIMEOUT_S = 900

# Run in a fresh interpreter in a copy of src/, so that nothing is written into the project tree.
_SETUP = """
import os, sys
from setuptools import setup
from mypyc.build import mypycify
setup(
    name="pillscan-mypyc",
    ext_modules=mypycify(["--ignore-missing-imports", *sys.argv[1:]], opt_level="3", group_name="pillscan"),
    script_args=["build_ext", "--build-lib", os.environ["PILLSCAN_MYPYC_OUT"],
                 "--build-temp", os.environ["PILLSCAN_MYPYC_TMP"]],
)
"""


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._workdir: str | None = None
        if self.target_name != "wheel" or version == "editable":
            return
        if os.environ.get("PILLSCAN_PURE_PYTHON", "") not in ("", "0"):
            self._say("PILLSCAN_PURE_PYTHON is set: building a pure-Python wheel")
            return
        self._workdir = tempfile.mkdtemp(prefix="pillscan-mypyc-")
        try:
            built = self._compile(Path(self._workdir))
        except Exception as exc:  # any failure means: ship the pure-Python modules
            self._say(f"compiling with mypyc failed, building a pure-Python wheel instead ({exc})")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        build_data["force_include"].update(built)
        self._say(f"compiled with mypyc: {', '.join(sorted(built.values()))}")

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if getattr(self, "_workdir", None):
            shutil.rmtree(str(self._workdir), ignore_errors=True)

    def _compile(self, workdir: Path) -> dict[str, str]:
        src = workdir / "src"
        shutil.copytree(Path(self.root) / "src", src, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
        out, tmp = workdir / "out", workdir / "tmp"
        env = {**os.environ, "PILLSCAN_MYPYC_OUT": str(out), "PILLSCAN_MYPYC_TMP": str(tmp)}
        proc = subprocess.run(
            [sys.executable, "-c", _SETUP, *COMPILED],
            cwd=src,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=_TIMEOUT_S,
        )
        if proc.returncode != 0:
            tail = " | ".join(proc.stdout.strip().splitlines()[-3:])
            raise RuntimeError(f"exit code {proc.returncode}: {tail}")
        built = {str(p): p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix in _EXTENSION_SUFFIXES}
        wanted = {Path(module).with_suffix("").as_posix() for module in COMPILED}
        found = {rel.split(".")[0] for rel in built.values()}
        if not wanted <= found:
            raise RuntimeError(f"extensions missing from the build: {sorted(wanted - found)}")
        return built

    @staticmethod
    def _say(message: str) -> None:
        print(f"pillscan build: {message}", file=sys.stderr)
