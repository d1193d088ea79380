"""The append-only change log."""
