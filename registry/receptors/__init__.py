"""Receptors: what a leak threatens (water sources, wells, schools, underground spaces)."""
