"""The README keeps up with the command line: its reference is generated from click, and every command
is also explained in the prose above it."""

from __future__ import annotations

import re

import click

from helpers.paths import REPO
from qualcode.cli import main
from qualcode.cli.reference import END, START, commands
from qualcode.cli.reference import main as reference_main

README = REPO / "README.md"


def test_the_generated_reference_is_up_to_date():
    assert reference_main(["--check", str(README)]) == 0, "run: python -m qualcode.cli.reference --write README.md"


def test_every_command_and_option_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    prose = text.split(START)[0] + text.split(END)[1]
    missing_commands, missing_options = [], []
    for path, cmd, _ in commands(main):
        if len(path) == 1:
            continue
        if (
            not re.search(rf"qualcode[^\n`]*\b{re.escape(' '.join(path[1:]))}\b", prose)
            and f"`{path[-1]}`" not in prose
            and f"`{' '.join(path[1:])}" not in prose
        ):
            missing_commands.append(" ".join(path))
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.hidden:
                for opt in param.opts:
                    if opt.startswith("--") and opt not in text:
                        missing_options.append(f"{' '.join(path)} {opt}")
    assert missing_commands == [], "commands the README's prose never mentions"
    assert missing_options == []
