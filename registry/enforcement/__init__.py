"""Enforcement: red tags that prohibit deliveries to an asset."""
