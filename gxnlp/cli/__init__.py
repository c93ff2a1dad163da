"""Command line: a thin click layer over the library, one small module per command.

Every input ends in the output or as one line on stderr; a bad file never stops
the run and never prints a traceback (unless --debug or GXNLP_DEBUG=1). Command modules are
imported only when their command runs, so `gxnlp parse` never loads the corpus or HTML code.

Exit codes, for every command: 0 done; 1 some input failed (or, for `check`, a check failed;
`find`: nothing matched); 2 usage, environment (a missing dependency) or internal error;
130 interrupted.
"""
from __future__ import annotations

import importlib
import sys

import click

from gxnlp.cli import common

COMMANDS = {  # name → (module, function)
    "parse": ("gxnlp.cli.parse", "parse_command"),
    "check": ("gxnlp.cli.check", "check_command"),
    "review": ("gxnlp.cli.check", "review_command"),
    "tag": ("gxnlp.cli.tag", "tag_command"),
    "batch": ("gxnlp.cli.batch", "batch_command"),
    "find": ("gxnlp.cli.batch", "find_command"),
    "boilerplate": ("gxnlp.cli.boilerplate", "boilerplate_command"),
    "report": ("gxnlp.cli.report", "report_command"),
}


class LazyGroup(click.Group):
    """click's documented pattern for lazily loaded subcommands."""

    def list_commands(self, ctx):
        return list(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except ImportError as e:
            if not common.is_missing_dependency(e):
                raise
            return unavailable(name, e)

    def invoke(self, ctx):
        """Run the command; whatever escapes it ends as one line on stderr, not a traceback."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("gxnlp: interrupted", err=True)
            sys.exit(common.EXIT_INTERRUPTED)
        except BrokenPipeError:  # `gxnlp parse … | head`
            sys.stderr.close()
            sys.exit(common.EXIT_OK)
        except Exception as e:
            command = ctx.invoked_subcommand
            if common.is_missing_dependency(e):
                click.echo(common.missing_line(command, e), err=True)
            elif common.debug_requested():
                raise
            else:
                click.echo(f"gxnlp: {command or 'gxnlp'}: internal error ({type(e).__name__}: {e}); please report it "
                           "(GXNLP_DEBUG=1 shows the traceback)", err=True)
            sys.exit(common.EXIT_ERROR)


def unavailable(name: str, error: ImportError) -> click.Command:
    """A stand-in for a command whose module cannot be imported: `--help` still lists it, and
    running it prints the one line that says what to install."""
    line = common.missing_line(name, error)

    @click.command(name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
                   add_help_option=False, help=line.removeprefix("gxnlp: "))
    def command():
        click.echo(line, err=True)
        sys.exit(common.EXIT_ERROR)

    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gxnlp")
def main():
    """gxnlp: government information-disclosure annual reports → research-grade data."""
