"""The corpus: documents and their text units, attributes, the document filter, import from files."""
