"""The ``pillscan`` command line: Click commands only; the work happens in the library."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

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
