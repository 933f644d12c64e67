"""The model commands (evaluate, explain, info) driven through the CLI with the bundled default model."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pillscan.cli import cli

ROWS = [
    ("percs 30s 💊🔌 snap me, cashapp/zelle, ships discreet", 1, "offer"),
    ("x@n@x bars 2mg in stock, tg @plugname, menu in bio", 1, "offer"),
    ("Police seized 40,000 fake pills stamped M30 that contained fentanyl, officials said.", 0, "news"),
    ("Finally got my Adderall prescription refilled after three pharmacies were out.", 0, "patient"),
    ("Jordan 4 Retro size 10, $180 firm. DM me, CashApp or Zelle, ships tomorrow", 0, "sale"),
    ("weed carts and shrooms, dm for menu", -1, "other_drug"),
]


def test_evaluate_prints_metrics_and_writes_report_plot_and_json(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.csv"
    pd.DataFrame(ROWS, columns=["text", "label", "slice"]).to_csv(labelled, index=False)
    report, plot, metrics = tmp_path / "r.html", tmp_path / "pr.png", tmp_path / "m.json"
    args = ["evaluate", str(labelled), "--report", str(report), "--plot", str(plot), "--json", str(metrics)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "precision 1.000  recall 1.000" in result.output and "flag rate by slice" in result.output
    page = report.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "<td>other_drug</td>" in page
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(metrics.read_text())[str(labelled)]
    assert data["metrics"]["n"] == 5 and data["metrics"]["positives"] == 2


def test_evaluate_refuses_a_file_without_labels(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text\nhello\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(bad)])
    assert result.exit_code != 0 and "needs a label column" in str(result.exception)


def test_explain_json_and_info() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["explain", "--json", ROWS[0][0]])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["decision"] == "offer" and "oxycodone" in data["drugs"] and data["top_terms"]
    info = json.loads(runner.invoke(cli, ["info"]).output)
    assert info["name"] == "pillscan-default" and len(info["sha256"]) == 64 and "thresholds" in info


def test_scan_quiet_prints_nothing_on_stderr(tmp_path: Path) -> None:
    import subprocess
    import sys

    samples = Path(__file__).resolve().parents[1] / "data" / "samples" / "posts.csv"
    done = subprocess.run(
        [sys.executable, "-m", "pillscan", "scan", str(samples), "-o", str(tmp_path / "o.jsonl"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert len((tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()) == 10
