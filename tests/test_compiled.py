"""The compiled build (mypyc, see hatch_build.py) computes exactly what the pure-Python modules compute.

Every other test runs against whatever is installed (compiled in CI); this one also runs the ``.py`` sources of
src/ in a child process and compares the two on generated posts and random Unicode. ``PILLSCAN_EXPECT_COMPILED=1``
(set by .ci/run) makes a pure-Python installation a failure rather than a skip, so that CI cannot silently test
the fallback only.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pillscan
import pillscan.intent as intent_module
import pillscan.normalize as normalize_module
import pillscan.signals as signals_module

SRC = Path(__file__).resolve().parents[1] / "src"

# What is compared, computed the same way on both sides (``N``: pillscan.normalize, ``S``: pillscan.signals,
# ``I``: pillscan.intent).
_RESULTS = """
norm, counts = S.normalize_and_count(texts)
results = {
    "flags": [N.normalize_with_flags(t)[1] for t in texts],
    "normalized": norm,
    "counts": counts.tolist(),
    "offsets": [[t.starts, t.ends, list(map(list, t.edits))] for t in map(N.normalize_with_offsets, texts[::5])],
    "signals": [[[s.name, s.start, s.end] for s in S.extract_signals(t)] for t in texts[::3]],
    "intent_counts": I.intent_counts(norm).tolist(),
    "intent_features": I.intent_features(norm, I.pill_evidence(counts)).tolist(),
    "supply_evidence": I.supply_evidence(norm, counts).tolist(),
    "cues": [I.intent_cues(t) for t in norm[::2]],
    "cue_reasons": [list(I.cue_reasons(t)) for t in texts[::7]],
}
"""

_REFERENCE = (
    """
import json, sys
sys.path.insert(0, sys.argv[1])
import pillscan, pillscan.normalize as N, pillscan.signals as S, pillscan.intent as I
assert not pillscan.compiled_modules(), pillscan.compiled_modules()
assert all(m.__file__.endswith(".py") for m in (N, S, I)), (N.__file__, S.__file__, I.__file__)
texts = json.load(sys.stdin)
"""
    + _RESULTS
    + "json.dump(results, sys.stdout)\n"
)

_PIECES = [
    "x a n a x", "X4N4X", "0xyc0d0ne", "perc 30", "m30", "2mg", "$20", "20 usd", "@plug_420", "t.me/pills",
    "wa.me/15551234567", "www.example.com/shop", "+1 (555) 123-4567", "cheaaaap", "xaaanax", "ｘａｎａｘ",
    "хanax", "ad\u200bderall", "💊", "🔌", "🍁", "snap me", "no rx needed", "fent free", "blues", "bars",
    "10/325", "100x", "qty: 50", "65% off", "\n\n", "\t", "é", "ß", "İ", "ǅ", "\u0301", "\x00", "\ud800", "a.b.c.d",
    "1 2 3", "p-e-r-c-s", "s n a p", "  ", "...", "DM", "🇺🇸", "👍🏽", "ﬁ", "①", "٣", "ℌ", "𝐱𝐚𝐧𝐚𝐱",
]  # fmt: skip


def _random_texts(rng: random.Random, n: int) -> list[str]:
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 12)):
            if rng.random() < 0.6:
                parts.append(rng.choice(_PIECES))
            else:
                parts.append("".join(chr(rng.choice([rng.randint(32, 126), rng.randint(0, 0x2FFF)])) for _ in range(5)))
        texts.append(rng.choice(["", " ", "  "]).join(parts))
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    from pillscan.generate import generate_corpus

    corpus = generate_corpus(n=1500, seed=11)
    return [str(t) for t in corpus["text"]] + _random_texts(random.Random(11), 1500)


def test_compiled_and_pure_python_agree(texts):
    compiled = pillscan.compiled_modules()
    if not compiled:
        if os.environ.get("PILLSCAN_EXPECT_COMPILED") == "1":
            pytest.fail("PILLSCAN_EXPECT_COMPILED=1 but this installation is pure Python (see the build log)")
        pytest.skip("pure-Python installation: nothing compiled to compare")
    if not (SRC / "pillscan" / "normalize.py").exists():
        pytest.skip("the .py sources are not next to the tests")
    assert {"pillscan.normalize", "pillscan.signals", "pillscan.intent"} <= set(compiled)
    proc = subprocess.run(
        [sys.executable, "-c", _REFERENCE, str(SRC)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogatepass",
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    want = json.loads(proc.stdout)
    scope: dict[str, Any] = {"N": normalize_module, "S": signals_module, "I": intent_module, "texts": texts}
    exec(_RESULTS, scope)
    got = json.loads(json.dumps(scope["results"]))  # tuples as lists, as on the reference side
    assert set(got) == set(want)
    for key in want:
        assert got[key] == want[key], key


def test_version_names_what_is_compiled():
    description = pillscan.build_description()
    assert description.startswith(pillscan.__version__)
    compiled = pillscan.compiled_modules()
    if compiled:
        assert all(name.rpartition(".")[2] in description for name in compiled)
    else:
        assert description.endswith("(pure Python)")
