"""Extensions, created once and bound to the app in create_app."""

from __future__ import annotations

import threading
import types
from typing import TYPE_CHECKING
from typing import Any

from flask import current_app
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits.storage import memory
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class _DaemonTimer(threading.Timer):
    """A Timer that does not hold the process open."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True


def _daemon_expiry_timers() -> None:
    """Make the in-memory rate-limit storage expire its counters from daemon timers.

    limits' MemoryStorage arms a plain `threading.Timer` at start and after each hit: every
    process (the CLI, a gunicorn worker, the test run) then waits for it before it can exit,
    and forever where timed waits do not return (under `faketime`, which CI runs the suite
    with). Expiry is housekeeping: nothing is lost when a process exits without it.
    """

    namespace = types.SimpleNamespace(**vars(threading))
    namespace.Timer = _DaemonTimer
    memory.threading = namespace  # type: ignore[assignment]


_daemon_expiry_timers()


def _client_key() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_key, default_limits=[])


@limiter.request_filter
def _limits_off_for_this_app() -> bool:
    # Flask-Limiter reads RATELIMIT_ENABLED once, into the shared extension object; asking
    # the current app on every request keeps two apps in one process (tests) independent.

    return not current_app.config.get("RATELIMIT_ENABLED", True)


if TYPE_CHECKING:
    Model = Base
else:
    # Flask-SQLAlchemy's model class (adds the table name and the query property); typed as Base.
    Model = db.Model
