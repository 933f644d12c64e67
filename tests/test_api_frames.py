"""The Python API: a bare string is refused where a list is expected; score_frame keeps the frame; explanations
list words without stop words or punctuation, in log-odds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pillscan
from pillscan.errors import InputError
from pillscan.wording import STOP_WORDS, display_word, explanation_terms


@pytest.fixture(scope="module")
def model() -> pillscan.Model:
    return pillscan.load_model()


@pytest.mark.parametrize("method", ["score", "predict_proba", "decision_function"])
def test_a_bare_string_is_refused(model: pillscan.Model, method: str) -> None:
    with pytest.raises(TypeError, match=r"wrap it in a list: \[text\]"):
        getattr(model, method)("xanax bars 2mg")
    assert len(getattr(model, method)(["xanax bars 2mg"])) == 1


def test_score_frame_keeps_index_and_columns(model: pillscan.Model) -> None:
    df = pd.DataFrame(
        {"body": ["xanax bars 2mg, snap me, cashapp", "lovely weather today", None], "who": ["a", "b", "c"]},
        index=[10, 20, 30],
    )
    out = pillscan.score_frame(df, text_col="body", model=model)
    assert list(out.index) == [10, 20, 30] and list(out.columns[:2]) == ["body", "who"]
    assert list(out["who"]) == ["a", "b", "c"] and list(df.columns) == ["body", "who"]  # the input is untouched
    expected = model.predict_proba(["xanax bars 2mg, snap me, cashapp", "lovely weather today", ""])
    assert np.allclose(out["score"].to_numpy(), np.round(expected, 4))
    assert "alprazolam" in out.loc[10, "drugs"] and out.loc[20, "drugs"] == []
    with pytest.raises(InputError, match="prefix="):
        pillscan.score_frame(out, text_col="body", model=model)
    assert "pillscan_score" in pillscan.score_frame(out, text_col="body", model=model, prefix="pillscan_")
    with pytest.raises(InputError, match="no column 'text'"):
        pillscan.score_frame(df, model=model)


def test_listed_words_have_no_punctuation_or_stop_words() -> None:
    assert display_word("zelle,") == "zelle" and display_word("(xanax)") == "xanax" and display_word("y") == ""
    assert display_word("@plug") == "@plug" and display_word("💊") == "💊" and display_word("...") == ""
    up, down = explanation_terms(["y", "zelle,", "zelle", "the", "cashapp!"], [1.5, 0.4, 0.9, -0.7, -0.2])
    assert up == [("zelle", 0.9)] and down == [("cashapp", -0.2)]


def test_explain_words_are_readable(model: pillscan.Model) -> None:
    exp = model.explain("y tengo xanax, percocet y zelle. pago por zelle, entrego en mano")
    words = [w for w, _ in exp.top_terms + exp.counter_terms]
    assert words and not {w.lower() for w in words} & STOP_WORDS
    assert all(w == w.strip(".,;:!?") for w in words) and len(words) == len(set(words))
