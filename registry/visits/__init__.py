"""Compliance inspections of facilities (the visit), violations, plans and measures."""
