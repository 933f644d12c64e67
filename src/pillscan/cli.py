"""The ``pillscan`` command line: Click commands only; the work happens in the library."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import click

from pillscan import __version__
from pillscan.errors import PillscanError

EXAMPLES = """
\b
Examples:
  pillscan generate --n 20000 --seed 0 -o data/synthetic/corpus.csv
  pillscan train -o models/my-model.joblib
  pillscan score notes/*.txt --per-line
  pillscan scan export.jsonl -o flagged.jsonl --report report.html
  pillscan explain "xanax bars 2mg, snap me, cashapp only"
  pillscan info
"""


@click.group(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pillscan")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or logs on stderr.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Find online posts that offer counterfeit prescription pills."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["quiet"] = quiet
    logging.basicConfig(
        level=logging.DEBUG if debug else (logging.ERROR if quiet else logging.INFO),
        format="pillscan: %(message)s",
        stream=sys.stderr,
    )


# --- commands (each block owned by one module of the library) -------------------------------------

# <generate>
# </generate>


# <model-commands>
def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@cli.command()
@click.option(
    "--data", "data", type=click.Path(dir_okay=False), help="A generated corpus (default: generate one)."
)
@click.option(
    "--extra", multiple=True, type=click.Path(dir_okay=False), help="Your own labelled rows (text,label)."
)
@click.option("--n", "n", type=int, default=None, help="Rows to generate (default: as the default model).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="models/pillscan-default.joblib",
    show_default=True,
    help="Where to write NAME.joblib (and its card NAME.json).",
)
@click.pass_context
def train(
    ctx: click.Context, data: str | None, extra: tuple[str, ...], n: int | None, seed: int, output: str
) -> None:
    """Train a model on the synthetic corpus (plus --extra rows); no options rebuilds the default model."""
    from pillscan.model import card_path_for, save_model
    from pillscan.train import TrainConfig, train_model

    config = TrainConfig(seed=seed) if n is None else TrainConfig(n=n, seed=seed)
    say = (lambda _msg: None) if ctx.obj.get("quiet") else (lambda msg: click.echo(msg, err=True))
    model, metrics = train_model(data, extra=extra, config=config, progress=say)
    path = save_model(model, output)
    held = metrics["heldout_templates"]
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and its card {card_path_for(path).name}")
    click.echo(
        f"held-out template families: PR-AUC {held['pr_auc']}  F1 {held['f1']}  thresholds {model.thresholds}"
    )


@cli.command()
@click.argument("labelled", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (default: bundled).")
@click.option("--trust-model", is_flag=True, help="Load a model file that has no card (it can run code).")
@click.option("--threshold", type=float, help="Offer threshold (default: the model's).")
@click.option("--slice-col", help="Column to break flag rates down by (default: slice, kind or source).")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write the precision-recall curve as a PNG.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the metrics as JSON.")
def evaluate(
    labelled: tuple[str, ...],
    model_path: str | None,
    trust_model: bool,
    threshold: float | None,
    slice_col: str | None,
    plot: str | None,
    json_path: str | None,
) -> None:
    """Measure a model on labelled files (columns text,label; label -1 = out of scope, left out)."""
    from pillscan.evaluate import evaluate_scores, format_evaluation, load_labelled, plot_pr_curve
    from pillscan.model import load_model

    model = load_model(model_path, trust=trust_model)
    cut = model.thresholds["offer"] if threshold is None else threshold
    results = {}
    for path in labelled:
        frame = load_labelled(path)
        scores = model.predict_proba(frame["text"].tolist())
        evaluation = evaluate_scores(frame, scores, cut, slice_col=slice_col)
        click.echo(format_evaluation(path, evaluation))
        results[path] = {
            "metrics": evaluation["metrics"].to_dict(),
            "out_of_scope_flag_rate": evaluation["out_of_scope_flag_rate"],
        }
        if evaluation["slices"] is not None:
            results[path]["slices"] = evaluation["slices"].to_dict(orient="records")
        if plot:
            target = (
                Path(plot)
                if len(labelled) == 1
                else Path(plot).with_stem(f"{Path(plot).stem}-{Path(path).stem}")
            )
            plot_pr_curve(
                frame["label"].to_numpy(), scores, target, title=f"{model.name} on {Path(path).name}"
            )
            click.echo(f"wrote {target}", err=True)
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


@cli.command()
@click.argument("text", required=False)
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (default: bundled).")
@click.option("--trust-model", is_flag=True, help="Load a model file that has no card (it can run code).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def explain(text: str | None, model_path: str | None, trust_model: bool, as_json: bool) -> None:
    """Explain one text's score: decision, drugs, signals with spans, words that drove it (TEXT or stdin)."""
    from pillscan.model import load_model

    if text is None or text == "-":
        text = click.get_text_stream("stdin").read()
    model = load_model(model_path, trust=trust_model)
    exp = model.explain(text)
    res = exp.result
    if as_json:
        _echo_json(
            {
                "score": res.score,
                "decision": res.decision,
                "drugs": list(res.drugs),
                "signals": [asdict(s) for s in res.signals],
                "reasons": list(res.reasons),
                "top_terms": exp.top_terms,
                "counter_terms": exp.counter_terms,
            }
        )
        return
    click.echo(
        f"score     {res.score:.3f}   decision: {res.decision}   "
        f"(offer >= {model.thresholds['offer']:.2f}, review >= {model.thresholds['review']:.2f})"
    )
    click.echo(f"drugs     {', '.join(res.drugs) or '-'}")
    click.echo(f"reasons   {'; '.join(res.reasons) or '-'}")
    click.echo("signals")
    for sig in res.signals:
        click.echo(f"  {sig.name:<28} {sig.start:>5}-{sig.end:<5} {sig.text!r}")
    if not res.signals:
        click.echo("  -")
    click.echo(
        "words that raise the score: " + (", ".join(f"{w} (+{v:.2f})" for w, v in exp.top_terms) or "-")
    )
    click.echo(
        "words that lower the score: " + (", ".join(f"{w} ({v:.2f})" for w, v in exp.counter_terms) or "-")
    )


@cli.command()
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Model file (default: bundled).")
@click.option("--trust-model", is_flag=True, help="Load a model file that has no card (it can run code).")
def info(model_path: str | None, trust_model: bool) -> None:
    """Print the model card (versions, training data, thresholds, held-out metrics)."""
    from pillscan.model import load_model

    model = load_model(model_path, trust=trust_model)
    _echo_json({"path": str(model.path), **model.card})


# </model-commands>

# <score-scan>
# </score-scan>


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn library errors into a one-line message and exit code 1."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        result = cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("pillscan: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except PillscanError as exc:
        if debug:
            raise
        click.echo(f"pillscan: error: {exc}", err=True)
        return 1
    except (OSError, MemoryError) as exc:
        if debug:
            raise
        click.echo(f"pillscan: error: {exc}", err=True)
        return 1
    return int(result) if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
