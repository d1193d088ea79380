"""The compliance blueprint; its routes are in views.py (records) and reminder_views.py."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("compliance", __name__)
