"""Maintenance scripts (importable so that tests reuse them)."""
