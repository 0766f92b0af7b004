"""Pseudonymisation: the project's list of names and places, finding them, replacing them
everywhere at once, suggesting names not yet on the list, and checking that none is left.

``entries`` keeps the list, ``matching`` finds every variant of a name in a text, ``apply`` previews
and replaces (one transaction), ``suggest`` proposes candidates, ``scan`` looks for leftovers in
the project file's raw pages and in export files.
"""

from qualcode.revision.pseudonyms.apply import ApplyReport, Matcher, apply_pseudonyms, import_transform, preview
from qualcode.revision.pseudonyms.entries import (
    KINDS,
    Pseudonym,
    add_pseudonym,
    import_mapping_csv,
    mapping_csv,
    pseudonyms,
    remove_pseudonym,
)
from qualcode.revision.pseudonyms.matching import DEFAULT_THRESHOLD, Match, Rule, find_matches, pseudonymise_text, rules

__all__ = [
    "DEFAULT_THRESHOLD",
    "KINDS",
    "ApplyReport",
    "Match",
    "Matcher",
    "Pseudonym",
    "Rule",
    "add_pseudonym",
    "apply_pseudonyms",
    "find_matches",
    "import_mapping_csv",
    "import_transform",
    "mapping_csv",
    "preview",
    "pseudonymise_text",
    "pseudonyms",
    "remove_pseudonym",
    "rules",
]
