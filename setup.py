"""Packaging shim: the wheel carries templates/ and static/ inside the registry package.

pyproject.toml holds the metadata; only the package list lives here, because templates/ and
static/ sit at the top of the repository (see DESIGN.md) and `packages.find` cannot add them.
"""

from setuptools import find_packages
from setuptools import setup

setup(
    packages=[
        *find_packages(include=["registry", "registry.*", "inspection_api", "inspection_api.*"]),
        "registry.templates",
        "registry.static",
    ]
)
