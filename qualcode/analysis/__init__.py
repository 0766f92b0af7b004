"""Analysis on plain data: co-occurrence, agreement, matrices, retrieval."""
