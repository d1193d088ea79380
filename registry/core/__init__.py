"""Shared pieces: column types, choices with translated labels, errors, pagination."""
