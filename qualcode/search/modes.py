"""The search modes and the default fuzzy threshold: constants the command line's options need at once."""

MODES = ("exact", "regex", "lemma", "fuzzy")
DEFAULT_THRESHOLD = 85.0
