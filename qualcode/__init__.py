"""qualcode — qualitative data analysis in the terminal.

The core (everything outside ``qualcode.tui`` and ``qualcode.cli``) never imports Textual or
click, so scripts, tests and both front ends share one set of use cases in ``qualcode.project``.
"""

__version__ = "0.1.0"
