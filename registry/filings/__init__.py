"""Owner filings and their review, data-quality checks, the regulator's dashboard."""
