"""Settings from the environment, validated when the app starts."""

from __future__ import annotations

import copy
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The languages of the interface, catalogs and rule-pack titles.
LOCALES = ("zh", "en")


class ConfigError(RuntimeError):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Bounds:
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def parse_bounds(text: str) -> Bounds:
    """Parse `min_lat,min_lon,max_lat,max_lon`."""
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError as exc:
        raise ConfigError(f"DISTRICT_BOUNDS: not four numbers: {text!r}") from exc
    if len(parts) != 4:
        raise ConfigError(f"DISTRICT_BOUNDS: expected 4 numbers, got {len(parts)}")
    b = Bounds(*parts)
    if not (-90 <= b.min_lat < b.max_lat <= 90 and -180 <= b.min_lon < b.max_lon <= 180):
        raise ConfigError(f"DISTRICT_BOUNDS: not a valid box: {text!r}")
    return b


def _int(env: dict[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: not a whole number: {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name}: must be at least {minimum}")
    return value


def _proxy_hops(raw: str) -> int:
    """How many reverse proxies are trusted to set X-Forwarded-*: off, on (one) or a count."""
    text = raw.strip().lower()
    if text in ("", "0", "false", "off", "no"):
        return 0
    if text in ("true", "on", "yes"):
        return 1
    if not text.isdigit():
        raise ConfigError(f"PROXY_FIX: a number of proxies or on/off, got {raw!r}")
    return int(text)


# Screening values of monitoring readings, per medium (point kind) and parameter, in the
# medium's unit (registry.monitoring.models.UNITS). Groundwater: GB/T 14848-2017 class III
# (benzene 10, toluene 700, ethylbenzene 300, xylenes 500 µg/L); TPH C10–C40 0.6 mg/L and
# MTBE 0.02 mg/L are assumed (no class III limit; Shanghai's screening value for first-class
# land and the lower US EPA advisory level). Soil: GB 36600-2018 second-class land screening
# values. Soil gas has no national screening value: none by default, set them to check.
DEFAULT_SCREENING_VALUES: dict[str, dict[str, float]] = {
    "groundwater_well": {
        "tph": 0.6,
        "benzene": 0.01,
        "toluene": 0.7,
        "ethylbenzene": 0.3,
        "xylenes": 0.5,
        "mtbe": 0.02,
    },
    "soil_gas_probe": {},
    "soil": {
        "tph": 4500.0,
        "benzene": 4.0,
        "toluene": 1200.0,
        "ethylbenzene": 28.0,
        "xylenes": 570.0,
    },
}
_SCREENING_KINDS = tuple(DEFAULT_SCREENING_VALUES)
_SCREENING_PARAMETERS = ("tph", "benzene", "toluene", "ethylbenzene", "xylenes", "mtbe")


def _screening_entry(key: str, raw: Any) -> tuple[str, str, float]:
    kind, _, parameter = key.strip().rpartition(".")
    kind = kind or "groundwater_well"
    if kind not in _SCREENING_KINDS or parameter not in _SCREENING_PARAMETERS:
        raise ConfigError(f"SCREENING_VALUES: unknown medium or parameter {key!r}")
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"SCREENING_VALUES: {key}: not a number: {raw!r}") from exc
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"SCREENING_VALUES: {key}: must be greater than zero")
    return kind, parameter, value


def parse_screening_values(text: str) -> dict[str, dict[str, float]]:
    """Parse `benzene=0.01,soil_gas_probe.benzene=0.5` or the same keys as a JSON object.

    A key without a medium is groundwater's; entries override the defaults one by one.
    """
    values = {kind: dict(v) for kind, v in DEFAULT_SCREENING_VALUES.items()}
    text = text.strip()
    if not text:
        return values
    if text.startswith("{"):
        try:
            items = list(json.loads(text).items())
        except (ValueError, AttributeError) as exc:
            raise ConfigError("SCREENING_VALUES: not a JSON object") from exc
    else:
        items = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, raw = part.partition("=")
            if not sep:
                raise ConfigError(f"SCREENING_VALUES: expected parameter=value, got {part!r}")
            items.append((key, raw))
    for key, raw in items:
        kind, parameter, value = _screening_entry(str(key), raw)
        values[kind][parameter] = value
    return values


def _secret_key(instance_path: Path) -> str:
    """Return the secret kept in the instance folder, creating it on first start."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _tile_crs(value: str) -> str:
    """Return MAP_TILE_CRS checked: the system the base layer's tiles are drawn in."""
    value = value.strip().lower() or "wgs84"
    if value not in ("wgs84", "gcj02"):
        raise ConfigError(f"MAP_TILE_CRS: must be 'wgs84' or 'gcj02', got {value!r}")
    return value


def _storage_url(value: str) -> str:
    """Return STORAGE_URL checked; empty means a folder store in UPLOAD_DIR."""
    value = value.strip()
    if value and not (value.startswith("file:///") or value.startswith("s3://")):
        raise ConfigError(f"STORAGE_URL: must be file:///… or s3://<bucket>…, got {value!r}")
    return value


# Settings no environment variable changes: cookies, the API's description, paging.
FIXED: dict[str, Any] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # No pool_pre_ping: registry/core/pool.py checks a connection without a round trip.
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "WTF_CSRF_TIME_LIMIT": None,
    # flask-smorest
    "API_TITLE": "UST Registry API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "PAGE_SIZE": 25,
}


def load_settings(instance_path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Read every setting of the public contract from the environment."""
    env = dict(os.environ if env is None else env)
    return copy.deepcopy(FIXED) | _site(instance_path, env) | _program(env) | _limits(env)


def _database_url(instance_path: Path, env: dict[str, str]) -> str:
    db_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'registry.db'}"
    for scheme in ("postgres://", "postgresql://"):
        if db_url.startswith(scheme):
            return "postgresql+psycopg://" + db_url[len(scheme) :]
    return db_url


def _site(instance_path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Where the app runs: database, secrets, addresses, language, files, mail."""
    locale = env.get("DEFAULT_LOCALE", "zh")
    if locale not in ("zh", "en"):
        raise ConfigError(f"DEFAULT_LOCALE: must be 'zh' or 'en', got {locale!r}")
    scheme = env.get("PREFERRED_URL_SCHEME", "http")
    return {
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path, env),
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(instance_path),
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "DEFAULT_LOCALE": locale,
        "BABEL_DEFAULT_LOCALE": locale,
        "BABEL_DEFAULT_TIMEZONE": env.get("DEFAULT_TIMEZONE", "Asia/Shanghai"),
        "SMTP_HOST": env.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(env, "SMTP_PORT", 25, minimum=1),
        "MAIL_FROM": env.get("MAIL_FROM", "ust-registry@localhost"),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        # file:// (default: UPLOAD_DIR) or s3://<bucket>[/<prefix>]?endpoint_url=… (storage.py)
        "STORAGE_URL": _storage_url(env.get("STORAGE_URL", "")),
        "PREFERRED_URL_SCHEME": scheme,
        "SESSION_COOKIE_SECURE": scheme == "https",
        "PROXY_FIX": _proxy_hops(env.get("PROXY_FIX", "")),
    }


def _program(env: dict[str, str]) -> dict[str, Any]:
    """What the program enforces: its rule pack, district, clocks, map and certificates."""
    return {
        "RULE_PACK": env.get("RULE_PACK", "cn-beijing"),
        "RECEPTOR_DISTANCE_M": _int(env, "RECEPTOR_DISTANCE_M", 500, minimum=0),
        "MAP_TILE_URL": env.get("MAP_TILE_URL", "").strip(),
        "MAP_ATTRIBUTION": env.get("MAP_ATTRIBUTION", "").strip(),
        "MAP_TILE_CRS": _tile_crs(env.get("MAP_TILE_CRS", "wgs84")),
        "REMINDER_WINDOW_DAYS": _int(env, "REMINDER_WINDOW_DAYS", 14),
        "ESCALATION_DAYS": _int(env, "ESCALATION_DAYS", 30),
        "ONBOARDING_DAYS": _int(env, "ONBOARDING_DAYS", 30),
        "CERT_PREFIX": env.get("CERT_PREFIX", "DC"),
        "DISTRICT_BOUNDS": parse_bounds(env.get("DISTRICT_BOUNDS", "39.85,116.37,39.98,116.45")),
        "BUREAU_NAME": env.get(
            "BUREAU_NAME",
            "北京市东城区生态环境局 / Dongcheng District Ecology and Environment Bureau",
        ),
        "SCREENING_VALUES": parse_screening_values(env.get("SCREENING_VALUES", "")),
    }


def _limits(env: dict[str, str]) -> dict[str, Any]:
    """Sizes, rates and lifetimes that keep abuse and mistakes small."""
    return {
        "MAX_CONTENT_LENGTH": _int(env, "MAX_UPLOAD_MB", 10, minimum=1) * 1024 * 1024,
        "IMPORT_MAX_ROWS": _int(env, "IMPORT_MAX_ROWS", 50000, minimum=1),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes"),
        "TAG_MISS_RATE_LIMIT": env.get("TAG_MISS_RATE_LIMIT", "30 per minute"),
        "PASSWORD_RESET_MINUTES": _int(env, "PASSWORD_RESET_MINUTES", 60, minimum=1),
        "PASSWORD_RESET_RATE_LIMIT": env.get("PASSWORD_RESET_RATE_LIMIT", "5 per 15 minutes"),
        "PASSWORD_RESET_ACCOUNT_RATE_LIMIT": env.get(
            "PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "3 per hour"
        ),
        "API_TOKEN_DAYS": _int(env, "API_TOKEN_DAYS", 30, minimum=1),
    }
