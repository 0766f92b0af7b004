"""Revisions: changing a text that codings, memos and the search index hang on.

A corrected transcript becomes a new version and every coding is re-anchored (``revise``);
pseudonymisation is a revision of every text at once that leaves no name behind (``pseudonyms``).
Both sit above ``coding`` and ``search`` because they rewrite what those keep.
"""
