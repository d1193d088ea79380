"""Tanks and pipelines, their tags, QR codes and label sheets."""
