"""Stage 4, write: pages put on disk by worker processes, and what a run keeps so the next redoes only what changed."""
