"""The hierarchical codebook: YAML files in ``codebooks/`` and tree operations on a project."""
