"""The README and docs/ say what the code does: format lists, the quick-start and test commands, links and anchors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pillscan.readers import CHOICES, FORMATS
from pillscan.scoring import SCORE_FORMATS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _choices(text: str, option: str, command: str) -> list[str]:
    """The ``a|b|c`` list that follows ``option`` on the line of ``pillscan COMMAND`` in the Commands block."""
    block = text.split("## Commands", 1)[1].split("```", 2)[1]
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"pillscan {command}"))
    usage = " ".join([lines[start], *(line for line in lines[start + 1 :] if line.startswith(" "))])
    match = re.search(re.escape(option) + r" ([\w|-]+)\]", usage)
    assert match, f"no {option} list for {command} in the README's Commands block"
    return match.group(1).split("|")


def test_readme_cli_and_readers_list_the_same_input_formats() -> None:
    from pillscan.cli import cli

    option = next(p for p in cli.commands["scan"].params if p.name == "in_format")
    assert tuple(_choices(README, "--format", "scan")) == CHOICES
    assert tuple(option.type.choices) == CHOICES  # type: ignore[attr-defined]


def test_readme_lists_the_score_formats() -> None:
    assert tuple(_choices(README, "--format", "score")) == SCORE_FORMATS


def test_formats_page_has_one_row_per_record_with_its_suffixes() -> None:
    page = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w-]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$", page, re.MULTILINE)
    assert [name for name, _, _ in rows] == [f.name for f in FORMATS]
    for (name, suffixes, split), fmt in zip(rows, FORMATS, strict=True):
        assert re.findall(r"`(\.[\w]+)`", suffixes) == list(fmt.suffixes), name
        assert split.strip() == {"lines": "lines", "row-groups": "row groups", None: "no"}[fmt.split], name


def test_readme_is_short_and_keeps_its_two_commands() -> None:
    assert len(README.splitlines()) <= 200
    install = "pip install . && pillscan scan data/samples -o flagged.jsonl --report report.html"
    assert install in README
    assert 'pip install ".[dev,dask]" && python -m pytest -q' in README
    # .ci/run runs the README's test command (in a fresh virtual environment, with lint and types first).
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r'pip install (--quiet )?"\.\[dev,dask\]"', ci) and "python -m pytest -q" in ci


def test_readme_keeps_the_marked_sections_the_lead_updates() -> None:
    for name in ("accuracy", "robustness", "speed", "feedback-loop", "guarantees"):
        assert README.count(f"<!-- section: {name}") == 1 and README.count(f"<!-- /section: {name} -->") == 1


def test_every_docs_page_is_reachable_from_the_readme() -> None:
    seen: set[Path] = set()
    todo = [ROOT / "README.md"]
    while todo:
        page = todo.pop()
        if page in seen or not page.exists():
            continue
        seen.add(page)
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            path = target.split("#")[0]
            if path.endswith(".md") and not re.match(r"[a-z]+://", path):
                todo.append((page.parent / path).resolve())
    unreachable = sorted(page.name for page in DOCS if page.resolve() not in seen)
    assert not unreachable, f"link {unreachable} from the README's Documentation list or from a docs page it links"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # a "# comment" in a code block is not a heading
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS, ROOT / "data" / "samples" / "README.md"], ids=str)
def test_relative_links_and_anchors_resolve(page: Path) -> None:
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+://", target):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.exists(), f"{page.name}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{page.name}: no heading for #{anchor} in {resolved.name}"
