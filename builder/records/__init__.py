"""Stage 1, the records: their format, the files they live in, loading and validation."""
