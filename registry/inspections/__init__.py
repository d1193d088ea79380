"""Checklists, inspections, findings and corrective actions, photos."""
