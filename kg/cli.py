"""The ``kg`` command line: parses options and calls the library, nothing more."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_USAGE, GovkgError

DEFAULT_OUT = "out"
DEFAULT_SEEDS = "seeds"

graph_option = click.option(
    "--graph",
    "graph_dir",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder written by `kg build` (holds graph.ttl and the store).",
)


class GovkgGroup(click.Group):
    """Turns library errors into one clear line and their exit code (a traceback only with --debug)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GovkgError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"kg: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=GovkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govkg")
@click.option("--debug", is_flag=True, help="Show a traceback for errors instead of one line.")
@click.pass_context
def main(ctx, debug):
    """govkg: Chinese government work reports and responsibility plans as a knowledge graph.

    `kg build` reads documents (default: the seeds/ folder) and writes the graph
    to out/; the other commands read that graph.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# --- build (issue 2) ---------------------------------------------------------------

# --- tasks / query / export / validate / eval (issue 2) --------------------------------

# --- track / coverage (issue 3) ---------------------------------------------------------

# --- analyze / serve (issue 4) ----------------------------------------------------------

# --- push (issue 5) ---------------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
