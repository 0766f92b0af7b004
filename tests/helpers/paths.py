"""Where the tests find their data, the repository and the workplace's shared files."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data"
REPO = TESTS.parent
SHARED = REPO.parent / "shared"  # the design guide's REFI samples; tests that need them skip without
