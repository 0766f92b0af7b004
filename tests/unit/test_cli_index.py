"""The command index in ``qualcode.cli``: every command listed, each summary its command's own."""

from __future__ import annotations

import subprocess
import sys

import click

from qualcode.cli import COMMANDS, main


def test_every_summary_is_the_commands_own_first_sentence():
    ctx = click.Context(main)
    for name, (module, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None, name
        assert command.callback.__module__ == f"qualcode.cli.{module}", name
        assert summary == command.get_short_help_str(10**6), name


def test_every_registered_command_is_in_the_index():
    ctx = click.Context(main)
    for name in COMMANDS:
        main.get_command(ctx, name)  # loads every command module
    assert set(main.commands) == set(COMMANDS)


def test_help_and_docs_load_no_command_module_they_do_not_use(demo_copy):
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['qualcode', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('qualcode', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('qualcode.cli.') or m in "
        "('pandas', 'numpy', 'spacy', 'textual', 'sqlite_utils'))), file=sys.stderr)\n"
    )
    helped = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True, text=True, check=True)
    assert helped.stderr.strip().split(",") == ["qualcode.cli.common"]
    listed = subprocess.run(
        [sys.executable, "-c", probe, "-p", str(demo_copy), "docs"], capture_output=True, text=True, check=True
    )
    assert listed.stderr.strip().split(",") == ["qualcode.cli.common", "qualcode.cli.document_cmds"]
