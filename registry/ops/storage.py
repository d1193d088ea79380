"""Housekeeping of the file store: orphans out, a folder store copied to S3 and checked.

Every column that holds a store key says so with `info={"stored_file": True}`; what no such
column names, and is older than a grace period (an upload in flight is written before its row
commits), is an orphan.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta

from sqlalchemy import Column
from sqlalchemy import select

from registry.core.storage import FileStore
from registry.core.storage import S3Store
from registry.core.storage import open_store
from registry.core.storage import sha256_of
from registry.core.storage import store
from registry.core.types import utcnow
from registry.extensions import db

BACKUP_PREFIX = "backups/"


def file_columns() -> Iterator[Column[str]]:
    """Yield every mapped column that holds a key of the store."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.info.get("stored_file"):
                yield column


def referenced_keys() -> set[str]:
    """Return every key a row points at."""
    keys: set[str] = set()
    for column in file_columns():
        keys.update(k for k in db.session.scalars(select(column).where(column.isnot(None))) if k)
    return keys


@dataclass
class GcReport:
    """What a collection found and did."""

    seen: int = 0
    orphans: list[str] = field(default_factory=list)
    deleted: int = 0


def collect_garbage(*, grace: timedelta, dry_run: bool = False) -> GcReport:
    """Delete objects no row points at and older than `grace`; return what was found."""
    where = store()
    referenced = referenced_keys()
    cutoff = utcnow() - grace
    report = GcReport()
    for obj in list(where.objects()):
        report.seen += 1
        # Backup archives (`backup --to-store`) are named by no row and are not orphans.
        if obj.key.startswith(BACKUP_PREFIX) or obj.key in referenced or obj.modified > cutoff:
            continue
        report.orphans.append(obj.key)
        if not dry_run:
            where.delete(obj.key)
            report.deleted += 1
    return report


@dataclass
class MigrateReport:
    """What a copy to another store did."""

    copied: int = 0
    verified: int = 0
    bytes: int = 0
    mismatched: list[str] = field(default_factory=list)


def migrate(
    target_url: str, *, progress: Callable[[int, int], None] | None = None
) -> MigrateReport:
    """Copy every object of the current store to `target_url` and check each one's SHA-256."""
    source = store()
    target: FileStore | S3Store = open_store(target_url)
    target.check()
    objects = list(source.objects())
    report = MigrateReport()
    for number, obj in enumerate(objects, start=1):
        data = source.read(obj.key)
        target.put(obj.key, data, "application/octet-stream")
        report.copied += 1
        report.bytes += len(data)
        if sha256_of(target.read(obj.key)) == sha256_of(data):
            report.verified += 1
        else:
            report.mismatched.append(obj.key)
        if progress:
            progress(number, len(objects))
    return report
