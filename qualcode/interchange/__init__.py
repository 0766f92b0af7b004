"""Exchange with the world outside: REFI-QDA projects and codebooks, project merges, shared copies,
tables for R/SPSS/Stata."""
