"""The page a scanned tag opens: `/t/<tag>`, a different view for each holder of the phone."""
