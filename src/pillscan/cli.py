"""The ``pillscan`` command line: Click commands only; the work happens in the library."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, TypeVar

import click

from pillscan import build_description
from pillscan.accounts import GROUP_BY
from pillscan.engines.options import ENGINES
from pillscan.errors import PillscanError
from pillscan.readers import CHOICES as SCAN_FORMATS
from pillscan.scoring import SCORE_FORMATS
from pillscan.textsafe import printable
from pillscan.writers import OUT_FORMATS

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


F = TypeVar("F", bound=Callable[..., Any])


def model_options(command: F) -> F:
    """``--model PATH`` and ``--trust-model``, the same on every command that loads a model (passed to the
    command as ``model_path`` and ``trust_model``)."""
    command = click.option("--trust-model", is_flag=True, help="Load a model file that has no card (it can run code).")(
        command
    )
    return click.option(
        "--model",
        "model_path",
        type=click.Path(dir_okay=False),
        help="Model file (default: the active one).",
    )(command)


def context_options(command: F) -> F:
    """Who posted, when, where (``--author-col`` …, ``--keep-col``) and the accounts table (``--group-by``,
    ``--accounts``): passed to the command together as ``context``, a dict of ScanOptions fields."""
    opts = [
        click.option("--author-col", help="Column/field naming who posted (default: detected, e.g. Username)."),
        click.option("--time-col", help="Column/field with the post's time (default: detected, e.g. Created At)."),
        click.option("--url-col", help="Column/field with the post's link (default: detected, e.g. Permalink)."),
        click.option(
            "--keep-col",
            "keep_cols",
            multiple=True,
            help="Copy this input column to the output too (repeatable).",
        ),
        click.option(
            "--group-by",
            type=click.Choice(GROUP_BY),
            help="Write an accounts table: flagged posts per author, channel or source file.",
        ),
        click.option(
            "--accounts",
            "accounts_path",
            type=click.Path(dir_okay=False),
            help="The accounts table's file, .csv or .jsonl (default: OUT.accounts.csv; implies --group-by author).",
        ),
    ]
    for option in reversed(opts):
        command = option(command)
    return command


@click.group(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(build_description(), prog_name="pillscan")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or logs on stderr.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Find online posts that offer counterfeit prescription pills."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["quiet"] = quiet
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_SafeFormatter("pillscan: %(message)s"))
    level = logging.DEBUG if debug else (logging.ERROR if quiet else logging.INFO)
    logging.basicConfig(level=level, handlers=[handler])
    if not debug:
        # Libraries' own INFO lines ("generated new fontManager", Dask's cluster start-up) are not pillscan's.
        for name in _NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # (read when distributed is imported)


_NOISY_LOGGERS = ("matplotlib", "PIL", "distributed", "dask", "bokeh", "tornado", "asyncio", "fsspec", "numexpr")


class _SafeFormatter(logging.Formatter):
    """Log lines with control characters escaped: a file name or post can hold terminal escape sequences."""

    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))


# --- commands (each block owned by one module of the library) -------------------------------------


# <generate>
def _floats(value: str, what: str) -> list[float]:
    try:
        return [float(x) for x in value.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"{what} must be comma-separated numbers, got {value!r}") from None


@cli.command()
@click.option("--n", "n", type=click.IntRange(min=0), default=20000, show_default=True, help="Rows to generate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same bytes).")
@click.option("--positive-rate", type=click.FloatRange(0, 1), default=0.35, show_default=True, help="Share of offers.")
@click.option("--lang", "lang", default="en,es", show_default=True, help="Languages, comma-separated (en, es).")
@click.option(
    "--obfuscation",
    default="0.4,0.3,0.2,0.1",
    show_default=True,
    help="Weights of obfuscation levels 0,1,2,3.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="Output file (.csv, .csv.gz, .jsonl, .jsonl.gz, .parquet); '-' writes CSV to stdout.",
)
def generate(n: int, seed: int, positive_rate: float, lang: str, obfuscation: str, output: str) -> None:
    """Generate a labelled synthetic corpus of posts (offers and hard negatives).

    Rows are written as they are made, so any --n (millions of rows) runs in bounded memory.
    """
    from pillscan.generate import write_corpus_stream

    langs = [x.strip() for x in lang.split(",") if x.strip()]
    weights = _floats(obfuscation, "--obfuscation")
    path = None if output == "-" else output
    offers = write_corpus_stream(path, n, seed, positive_rate=positive_rate, langs=langs, obfuscation=weights)
    logging.getLogger("pillscan").info("wrote %d rows (%d offers) to %s", n, offers, output if path else "stdout")


# </generate>


# <model-commands>
def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@cli.command()
@click.option("--data", "data", type=click.Path(dir_okay=False), help="A generated corpus (default: generate one).")
@click.option(
    "--extra",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Your own labelled rows (text + label: 1/0/-1 or offer/not_offer/clean/skip, as the report exports them); "
    "repeatable.",
)
@click.option(
    "--extra-weight",
    type=float,
    default=None,
    help="How many generated rows each --extra row weighs [default: together half the generated rows' weight, "
    "at most 100 each].",
)
@click.option("--text-col", help="Text column of the --extra files (default: text, post, content, body or message).")
@click.option("--label-col", help="Label column of the --extra files (default: label).")
@click.option("--n", "n", type=int, default=None, help="Rows to generate (default: as the default model).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write NAME.joblib (and its card NAME.json) [default: pillscan-custom.joblib in your user data "
    "directory; the bundled default is rebuilt with -o models/pillscan-default.joblib].",
)
@click.option("--set-default", is_flag=True, help="Make the new model the one every command uses (config file).")
@click.pass_context
def train(
    ctx: click.Context,
    data: str | None,
    extra: tuple[str, ...],
    extra_weight: float | None,
    text_col: str | None,
    label_col: str | None,
    n: int | None,
    seed: int,
    output: str | None,
    set_default: bool,
) -> None:
    """Train a model on the synthetic corpus plus your --extra labelled rows.

    With --extra, prints how the extra rows score before (the active model) and after (out of fold: each row
    scored by a fold model that did not see it).
    """
    from pillscan.train import TrainConfig, train_and_save

    config = TrainConfig(seed=seed) if n is None else TrainConfig(n=n, seed=seed)
    say = (lambda _msg: None) if ctx.obj.get("quiet") else (lambda msg: click.echo(msg, err=True))
    train_and_save(
        data,
        extra=extra,
        extra_weight=extra_weight,
        text_col=text_col,
        label_col=label_col,
        config=config,
        output=output,
        set_default=set_default,
        progress=say,
        echo=click.echo,
    )


@cli.command()
@click.argument("labelled", nargs=-1, required=True, type=click.Path(dir_okay=False))
@model_options
@click.option("--threshold", type=float, help="Offer threshold (default: the model's).")
@click.option("--text-col", help="Column holding the text (default: text, post, content, body or message).")
@click.option("--label-col", help="Column holding the label (default: label); 1/0/-1 or offer/not_offer/clean/skip.")
@click.option("--slice-col", help="Column to break flag rates down by (default: slice, kind or source).")
@click.option("--errors-out", type=click.Path(dir_okay=False), help="Write the false positives and negatives (CSV).")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write the precision-recall curve as a PNG.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write the metrics as JSON.")
@click.option(
    "--report", "report_path", type=click.Path(dir_okay=False), help="Write an HTML report (tables, PR curves)."
)
def evaluate(
    labelled: tuple[str, ...],
    model_path: str | None,
    trust_model: bool,
    threshold: float | None,
    text_col: str | None,
    label_col: str | None,
    slice_col: str | None,
    errors_out: str | None,
    plot: str | None,
    json_path: str | None,
    report_path: str | None,
) -> None:
    """Measure a model on labelled files (a text and a label column; label -1 = out of scope, left out).

    Reads the report's "Export labels" CSV and a reviewed scan output as they are.
    """
    from pillscan.evaluate import evaluate_labelled_files

    evaluate_labelled_files(
        labelled,
        model_path=model_path,
        trust_model=trust_model,
        threshold=threshold,
        text_col=text_col,
        label_col=label_col,
        slice_col=slice_col,
        errors_out=errors_out,
        plot=plot,
        json_path=json_path,
        report_path=report_path,
        echo=click.echo,
    )


@cli.command()
@click.argument("text", required=False)
@model_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def explain(text: str | None, model_path: str | None, trust_model: bool, as_json: bool) -> None:
    """Explain one text's score: decision, drugs, signals with spans, words that drove it (TEXT or stdin)."""
    from pillscan.model import load_model
    from pillscan.wording import EXPLAIN_UNIT

    if text is None or text == "-":
        text = sys.stdin.read()
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
                "terms_unit": EXPLAIN_UNIT,
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
    click.echo("words that raise the score: " + (", ".join(f"{w} (+{v:.2f})" for w, v in exp.top_terms) or "-"))
    click.echo("words that lower the score: " + (", ".join(f"{w} ({v:.2f})" for w, v in exp.counter_terms) or "-"))
    click.echo(f"  (numbers: {EXPLAIN_UNIT}; stop words and punctuation not listed)")


@cli.command()
@model_options
def info(model_path: str | None, trust_model: bool) -> None:
    """Which model is active and why, then its card (versions, training data, thresholds, held-out metrics)."""
    from pillscan.config import active_model
    from pillscan.model import load_model

    active = active_model(model_path)
    model = load_model(model_path, trust=trust_model)
    _echo_json({"path": str(model.path), "active_because": active.reason, **model.card})


@cli.command()
@click.argument("outputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-n", "n", type=click.IntRange(min=1), default=200, show_default=True, help="Posts to choose.")
@click.option("-o", "--output", required=True, help="The CSV to fill in (label column), or - for stdout.")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True), help="Default: the model's.")
@model_options
@click.option("--seed", type=int, default=0, show_default=True)
def sample(
    outputs: tuple[str, ...],
    n: int,
    output: str,
    threshold: float | None,
    model_path: str | None,
    trust_model: bool,
    seed: int,
) -> None:
    """Choose posts of a scan output worth labelling: near the threshold, spread over drugs, sources and
    accounts, near-duplicates collapsed, a share at random from every score band. Fill in the label column and
    give the file to `pillscan train --extra`. The model (--model) gives the threshold unless --threshold does."""
    from pillscan.sample import sample_scan_outputs

    if threshold is None:
        from pillscan.model import load_model

        threshold = float(load_model(model_path, trust=trust_model).thresholds["offer"])
    chosen, seen, left_out = sample_scan_outputs(outputs, n, threshold, output, seed=seed)
    near = int(chosen["why"].str.startswith("near").sum()) if len(chosen) else 0
    skipped = f"; {left_out:,} left out for want of text or a score" if left_out else ""
    click.echo(
        f"pillscan: chose {len(chosen)} of {seen:,} posts ({near} near the threshold {threshold:.3f}, "
        f"{len(chosen) - near} at random across score bands{skipped}) -> {output}",
        err=True,
    )


# </model-commands>


# <score-scan>
def _use_color() -> bool:

    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


@cli.command()
@click.argument("inputs", nargs=-1, metavar="[FILE... | -]")
@model_options
@click.option("--per-line", is_flag=True, help="Score each line as its own post.")
@click.option("--explain", is_flag=True, help="Add the words that drive each score.")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Offer threshold (default: the model's).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SCORE_FORMATS),
    help="Output format (default: table on a terminal, jsonl otherwise).",
)
@click.option("--fail-on-flag", is_flag=True, help="Exit with 3 if any text is flagged as an offer.")
@click.pass_context
def score(
    ctx: click.Context,
    inputs: tuple[str, ...],
    model_path: str | None,
    trust_model: bool,
    per_line: bool,
    explain: bool,
    threshold: float | None,
    fmt: str | None,
    fail_on_flag: bool,
) -> int:
    """Score text files, directories, globs or stdin (-): one score per file, or per line with --per-line."""
    import shutil

    from pillscan.model import load_model
    from pillscan.scoring import iter_texts, open_score_writer, score_texts

    if not inputs:
        if sys.stdin.isatty():
            raise click.UsageError("give FILE..., a directory, or - to read stdin")
        inputs = ("-",)
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    model = load_model(model_path, trust=trust_model)
    width = shutil.get_terminal_size((110, 24)).columns
    writer = open_score_writer(fmt, sys.stdout, explain=explain, color=_use_color(), width=width)
    texts = iter_texts(inputs, per_line=per_line, warn=lambda note: click.echo(one_line(f"pillscan: {note}"), err=True))
    flagged = 0
    for scored in score_texts(model, texts, threshold=threshold, explain=explain):
        flagged += scored.result.decision == "offer"
        writer.write(scored)
    writer.finish()
    if fail_on_flag and flagged:
        ctx.exit(3)  # ctx.exit, not a return value: the exit code must hold in standalone mode too
    return 0


@cli.command("scan")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--format", "in_format", type=click.Choice(SCAN_FORMATS), default="auto", show_default=True, help="Input format."
)
@click.option("--text-col", help="Column/field holding the post text (default: detected).")
@click.option("--id-col", help="Column/field holding the post id (default: detected, else the position).")
@click.option("-o", "--output", required=True, help="Output file (.jsonl, .csv, .parquet), or - for stdout.")
@click.option("--out-format", type=click.Choice(OUT_FORMATS), help="Default: from the extension.")
@click.option(
    "--all/--flagged-only",
    "keep_all",
    default=True,
    show_default=True,
    help="Write every post, or only offer and review ones.",
)
@click.option("--no-text", is_flag=True, help="Leave the post text out of the output.")
@click.option("--workers", type=click.IntRange(1), help="Worker processes (default: one per CPU).")
@click.option("--chunk-size", type=click.IntRange(1), default=2000, show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True)
@click.option("--scheduler", help="Dask scheduler address (tcp://host:8786); with --engine dask.")
@model_options
@click.option("--threshold", type=click.FloatRange(0, 1), help="Offer threshold (default: the model's).")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False), help="Write skipped records (JSONL).")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False), help="Write the summary (JSON).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Write an HTML report.")
@click.option(
    "--label-sample",
    type=click.IntRange(1),
    help="Choose N posts worth labelling (as `pillscan sample` does) and write them as a CSV to fill in.",
)
@click.option(
    "--label-sample-out",
    "label_sample_path",
    type=click.Path(dir_okay=False),
    help="That CSV (default: OUT.to-label.csv); give it to `train --extra` once labelled.",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted scan of the same inputs and options.")
@context_options
@click.option("--fail-on-flag", is_flag=True, help="Exit with 3 if any post is flagged as an offer.")
@click.option("--encoding", help="Text encoding of the inputs (default: detected; e.g. cp1252, latin-1, utf-16).")
@click.option(
    "--decoder-memory",
    type=click.IntRange(1),
    help="MiB a decompressor may use (default 128; zstd --long=31 dumps need 2048).",
)
@click.option(
    "--max-skip-rate",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Fail (exit 1) when a file has a larger share of skipped records (1: never).",
)
@click.option("-q", "--quiet", "quiet_here", is_flag=True, help="No progress, summary or logs on stderr.")
@click.pass_context
def scan_command(
    ctx: click.Context,
    inputs: tuple[str, ...],
    in_format: str,
    text_col: str | None,
    id_col: str | None,
    output: str,
    out_format: str | None,
    keep_all: bool,
    no_text: bool,
    workers: int | None,
    chunk_size: int,
    engine: str,
    scheduler: str | None,
    model_path: str | None,
    trust_model: bool,
    threshold: float | None,
    errors_path: str | None,
    summary_path: str | None,
    report_path: str | None,
    resume: bool,
    fail_on_flag: bool,
    encoding: str | None,
    decoder_memory: int | None,
    max_skip_rate: float,
    quiet_here: bool,
    **context: Any,  # context_options and --label-sample/--label-sample-out: ScanOptions fields
) -> int:
    """Scan exported posts (files, directories, platform exports) and write a score for each."""
    from pillscan.scan import ScanInterrupted, scan

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if output == "-" and out_format not in (None, "jsonl"):
        raise click.UsageError("-o - writes JSONL; choose a file for csv or parquet")
    quiet = bool(ctx.obj.get("quiet")) or quiet_here
    if quiet_here:
        logging.getLogger().setLevel(logging.ERROR)
    bar = _progress_bar() if not quiet and output != "-" else None
    options = dict(
        output=output,
        model=model_path,
        format=in_format,
        text_col=text_col,
        id_col=id_col,
        out_format=out_format,
        flagged_only=not keep_all,
        include_text=not no_text,
        errors_path=errors_path,
        summary_path=summary_path,
        workers=workers,
        chunk_size=chunk_size,
        resume=resume,
        threshold=threshold,
        progress=bar,
        report_path=report_path,
        trust_model=trust_model,
        encoding=encoding,
        decoder_memory=(decoder_memory or 0) << 20,
        **context,
    )
    try:
        summary = scan(list(inputs), engine=engine, scheduler=scheduler, **options)
    except ScanInterrupted as exc:
        if bar is not None:
            bar.close()
        click.echo(f"pillscan: {exc}", err=True)
        ctx.exit(exc.exit_code)
    finally:
        if bar is not None:
            bar.close()
    if not quiet:
        _echo_scan_summary(summary)
    _check_skip_rate(summary.by_source, max_skip_rate)
    if fail_on_flag and summary.flagged:
        ctx.exit(3)
    return 0


def _progress_bar() -> Any:
    """A progress line on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    from pillscan.progress import ProgressLine

    return ProgressLine(sys.stderr)


def _check_skip_rate(by_source: dict[str, dict[str, int]], max_rate: float) -> None:
    from pillscan.errors import InputError
    from pillscan.skips import too_many_skips

    offenders = too_many_skips(by_source, max_rate)
    if offenders:
        source, read, skipped = offenders[0]
        more = f" (and {len(offenders) - 1} more files)" if len(offenders) > 1 else ""
        raise InputError(
            f"{skipped:,} of the {read:,} records of {source} were skipped{more}, over --max-skip-rate {max_rate}: "
            "wrong --format, --encoding or --text-col? (the output and errors file are complete)"
        )


def _echo_scan_summary(s: object) -> None:
    d = s.to_dict() if hasattr(s, "to_dict") else dict(s)  # type: ignore[call-overload]

    def top(counts: dict[str, int]) -> str:
        return ", ".join(f"{k} {v:,}" for k, v in list(counts.items())[:5]) or "-"

    out_note = "" if d["output_rows"] == d["written"] else f" ({d['output_rows']:,} rows: flagged only)"
    lines = [
        f"read {d['read']:,} = written {d['written']:,} + skipped {d['skipped']:,}"
        + (f" (listed in {d['errors']})" if d["skipped"] and d.get("errors") else ""),
        f"flagged {d['flagged']:,} offers, {d['review']:,} for review"
        f" (offer >= {d['thresholds'].get('offer')}, model {d['model']})",
        f"output {d['output']}{out_note}; {d['elapsed_s']:.1f} s, {d['posts_per_s']:,.0f} posts/s",
        f"top drugs: {top(d['by_drug'])}",
        f"top signals: {top(d['by_signal'])}",
    ]
    for line in lines:
        click.echo(one_line(f"pillscan: {line}"), err=True)


# </score-scan>


def one_line(message: str) -> str:
    """A message on one line whatever it quotes, and inert on a terminal (see :func:`pillscan.textsafe.printable`)."""
    return printable(message)


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
    except (PillscanError, OSError, MemoryError) as exc:
        if debug:
            raise
        click.echo(f"pillscan: error: {one_line(str(exc))}", err=True)
        return 1
    return int(result) if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
