"""Inspection certificates: issue, sign, verify, revoke, render to PDF."""
