"""Exports for other departments and the bulk import of tanks and pipelines."""
