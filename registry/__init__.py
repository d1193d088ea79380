"""Registry of underground storage tanks and buried pipelines."""

from registry.app import create_app

__all__ = ["create_app"]
