"""qualcode — qualitative data analysis in the terminal.

The core (everything outside ``qualcode.tui`` and ``qualcode.cli``) never imports Textual, click
or rich, so scripts, tests and both front ends call the same domain packages. ``docs/ARCHITECTURE.md``
is the map: the packages and the tables each owns, the layers, the invariants.
"""

__version__ = "0.1.0"
