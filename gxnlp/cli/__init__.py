"""Command line: a thin click layer over the library, one small module per command.

Every input ends in the output or as one line on stderr; a bad file never stops
the run and never prints a traceback (unless --debug). Command modules are imported
only when their command runs, so `gxnlp parse` never loads the corpus or HTML code.
"""
from __future__ import annotations

import importlib

import click

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
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gxnlp")
def main():
    """gxnlp: government information-disclosure annual reports → research-grade data."""
