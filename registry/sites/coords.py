"""Chinese map coordinates (GCJ-02, BD-09) to and from WGS-84.

GCJ-02 is the offset every map published in China must apply to WGS-84; BD-09 is Baidu's
further offset of GCJ-02. Both forward transforms are public (the constants below are the ones
every open implementation uses). Their inverses have no closed form: `to_wgs84` solves them by
fixed-point iteration until the forward transform of the answer lands within 1e-9 degrees
(about 0.1 mm) of the given point, far inside the 1 m the registry promises.

Points are (longitude, latitude) in degrees, the GeoJSON order.
"""

from __future__ import annotations

import math

SYSTEMS = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 transform uses it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
_TOLERANCE = 1e-9
_MAX_STEPS = 30

Point = tuple[float, float]


def _outside_china(lon: float, lat: float) -> bool:
    # The transform is defined for mainland China's rough box; elsewhere GCJ-02 is WGS-84.
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> Point:
    """Offset a WGS-84 point to GCJ-02."""
    if _outside_china(lon, lat):
        return lon, lat
    d_lat = _shift_lat(lon - 105.0, lat - 35.0)
    d_lon = _shift_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def gcj02_to_bd09(lon: float, lat: float) -> Point:
    """Offset a GCJ-02 point to BD-09."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def wgs84_to_bd09(lon: float, lat: float) -> Point:
    """Offset a WGS-84 point to BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def from_wgs84(lon: float, lat: float, system: str) -> Point:
    """The point in `system` (what a map drawn in that system shows for a WGS-84 point)."""
    if system == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    if system == "bd09":
        return wgs84_to_bd09(lon, lat)
    return lon, lat


def to_wgs84(lon: float, lat: float, system: str) -> Point:
    """The WGS-84 point whose offset in `system` is the given point (the exact inverse)."""
    if system not in ("gcj02", "bd09"):
        return lon, lat
    # Newton-free fixed point: the offsets change slowly with position (well under 1e-3 per
    # degree), so subtracting the residual converges in a few steps.
    guess_lon, guess_lat = lon, lat
    for _ in range(_MAX_STEPS):
        fwd_lon, fwd_lat = from_wgs84(guess_lon, guess_lat, system)
        err_lon, err_lat = fwd_lon - lon, fwd_lat - lat
        if abs(err_lon) < _TOLERANCE and abs(err_lat) < _TOLERANCE:
            break
        guess_lon, guess_lat = guess_lon - err_lon, guess_lat - err_lat
    return guess_lon, guess_lat
