"""The map: facilities, releases, monitoring points and receptors as GeoJSON, and its page."""
