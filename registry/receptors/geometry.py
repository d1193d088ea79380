"""GeoJSON geometries of receptors: validation, bounding boxes and geodesic distances.

Distances are geodesic on the WGS-84 ellipsoid (pyproj's Geod). To a polygon, the distance is
0 inside it, else the geodesic distance to the nearest point of its rings; that point is found
per edge in a plane tangent at the facility (edges of a district's receptors are short, so the
choice of point is off by far less than a metre), and its distance measured on the ellipsoid.
"""

from __future__ import annotations

import math
from typing import Any

from pyproj import Geod

from registry.core.errors import N_

GEOD = Geod(ellps="WGS84")
TYPES = ("Point", "Polygon", "MultiPolygon")
Box = tuple[float, float, float, float]


class GeometryError(ValueError):
    """A geometry that is not a valid Point, Polygon or MultiPolygon on the globe."""


def _position(raw: Any) -> tuple[float, float]:
    ok = isinstance(raw, list | tuple) and len(raw) in (2, 3)
    if ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw):
        lon, lat = float(raw[0]), float(raw[1])
        if math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90:
            return lon, lat
        raise GeometryError(
            N_("A position lies off the globe (longitude -180..180, latitude -90..90).")
        )
    raise GeometryError(N_("A position must be [longitude, latitude]."))


def _ring(raw: Any) -> list[tuple[float, float]]:
    if not isinstance(raw, list) or len(raw) < 4:
        raise GeometryError(N_("A polygon ring needs at least four positions."))
    ring = [_position(p) for p in raw]
    if ring[0] != ring[-1]:
        raise GeometryError(
            N_("A polygon ring must be closed (its last position equal to its first).")
        )
    if len(set(ring)) < 3:
        raise GeometryError(N_("A polygon ring needs at least three distinct positions."))
    return ring


def _polygon(raw: Any) -> list[list[tuple[float, float]]]:
    if not isinstance(raw, list) or not raw:
        raise GeometryError(N_("A polygon needs at least one ring."))
    return [_ring(r) for r in raw]


def polygons(geometry: dict[str, Any]) -> list[list[list[tuple[float, float]]]]:
    """The polygons of a Polygon or MultiPolygon (none for a Point)."""
    if geometry["type"] == "Polygon":
        return [_polygon(geometry["coordinates"])]
    if geometry["type"] == "MultiPolygon":
        return [_polygon(p) for p in geometry["coordinates"]]
    return []


def check(geometry: Any) -> Box:
    """Validate a GeoJSON geometry; return its box (min_lon, min_lat, max_lon, max_lat)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in TYPES:
        raise GeometryError(N_("The geometry must be a Point, Polygon or MultiPolygon."))
    coordinates = geometry.get("coordinates")
    if geometry["type"] == "Point":
        lon, lat = _position(coordinates)
        return lon, lat, lon, lat
    if geometry["type"] == "MultiPolygon" and (
        not isinstance(coordinates, list) or not coordinates
    ):
        raise GeometryError(N_("A multipolygon needs at least one polygon."))
    points = [p for poly in polygons(geometry) for ring in poly for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _inside_ring(lon: float, lat: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat):
            x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x:
                inside = not inside
    return inside


def _inside(lon: float, lat: float, polygon: list[list[tuple[float, float]]]) -> bool:
    outer, holes = polygon[0], polygon[1:]
    return _inside_ring(lon, lat, outer) and not any(_inside_ring(lon, lat, h) for h in holes)


def _nearest_on_edge(lon: float, lat: float, a: Any, b: Any) -> tuple[float, float]:
    # In a plane tangent at (lon, lat): x scaled by cos(lat), so that both axes are metres-like.
    k = math.cos(math.radians(lat))
    ax, ay, bx, by = (a[0] - lon) * k, a[1] - lat, (b[0] - lon) * k, b[1] - lat
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    return a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])


def distance_m(lon: float, lat: float, geometry: dict[str, Any]) -> float:
    """Geodesic metres from a point to a geometry (0 inside a polygon)."""
    if geometry["type"] == "Point":
        x, y = geometry["coordinates"][:2]
        return float(GEOD.inv(lon, lat, x, y)[2])
    candidates: list[tuple[float, float]] = []
    for polygon in polygons(geometry):
        if _inside(lon, lat, polygon):
            return 0.0
        for ring in polygon:
            candidates += [
                _nearest_on_edge(lon, lat, a, b) for a, b in zip(ring, ring[1:], strict=False)
            ]
    n = len(candidates)
    _, _, dist = GEOD.inv(
        [lon] * n, [lat] * n, [c[0] for c in candidates], [c[1] for c in candidates]
    )
    return float(min(dist))
