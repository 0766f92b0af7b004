"""The corpus: documents and their text units, filters, attributes, import, revisions, pseudonyms."""
