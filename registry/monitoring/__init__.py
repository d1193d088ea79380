"""Monitoring points, their readings, and the alerts they raise (exceedance, rising trend)."""
