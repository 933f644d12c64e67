"""Building the wheel: without a working C compiler the build falls back to a pure-Python wheel, never fails.

(The compiled wheel itself is what CI installs and tests: see tests/test_compiled.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / "hatch_build.py").exists(), reason="needs the source tree")
@pytest.mark.skipif(sys.platform == "win32", reason="CC=/bin/false is a POSIX way to break the compiler")
def test_a_broken_compiler_gives_a_pure_python_wheel(tmp_path: Path) -> None:
    env = {**os.environ, "CC": "/bin/false", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PILLSCAN_PURE_PYTHON", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "compiling with mypyc failed, building a pure-Python wheel instead" in log, log[-3000:]
    wheels = list(tmp_path.glob("pillscan-*.whl"))
    assert len(wheels) == 1 and wheels[0].name.endswith("-py3-none-any.whl"), wheels
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "pillscan/normalize.py" in names and "pillscan/models/pillscan-default.joblib" in names
    assert not [n for n in names if n.endswith((".so", ".pyd"))]
    assert not list((ROOT / "src" / "pillscan").glob("*.so"))  # nothing written into the source tree
