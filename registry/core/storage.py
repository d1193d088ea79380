"""Where uploaded files live: a folder (`file://`, the default) or an S3-compatible bucket.

`STORAGE_URL` chooses: `file:///srv/ust/uploads` (or empty: `UPLOAD_DIR`) or
`s3://<bucket>[/<prefix>]?endpoint_url=https://…&region=…` (credentials from the usual AWS
variables). Keys are relative paths such as `inspections/12/<uuid>.jpg`; the database stores
the key. A write returns only once the object is complete (fsync'd, or acknowledged by the
store), so a row committed afterwards never points at a missing object; a crash between the
two leaves at most an orphan, which `ust-registry storage gc` removes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from typing import Protocol
from urllib.parse import parse_qs
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import current_app
from flask import send_file

CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredObject:
    """One object of a store: its key, size and when it was written."""

    key: str
    size: int
    modified: datetime


class Store(Protocol):
    """What the app needs of a place for files."""

    url: str

    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def put_file(self, key: str, source: Path, content_type: str) -> None: ...
    def read(self, key: str) -> bytes: ...
    def chunks(self, key: str) -> tuple[int, Iterator[bytes]]: ...
    def delete(self, key: str) -> None: ...
    def objects(self, prefix: str = "") -> Iterator[StoredObject]: ...
    def check(self) -> None: ...


def _safe_key(key: str) -> str:
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise FileNotFoundError(key)
    return key


class FileStore:
    """Files in a folder of this server (one instance, or a shared mount)."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self.url = f"file://{self.root.resolve()}"

    def path(self, key: str) -> Path:
        """Return where the object of `key` lies (never outside the root)."""
        return self.root / _safe_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write the file durably: a temporary name, fsync, rename, fsync the folder."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
        with open(part, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, target)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself must reach the disk too
        finally:
            os.close(folder)

    def put_file(self, key: str, source: Path, content_type: str) -> None:
        """Store a (large) file by copying it, durably like `put`."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
        with open(source, "rb") as src, open(part, "wb") as dst:
            shutil.copyfileobj(src, dst, CHUNK * 16)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(part, target)

    def read(self, key: str) -> bytes:
        """Return the whole object."""
        return self.path(key).read_bytes()

    def chunks(self, key: str) -> tuple[int, Iterator[bytes]]:
        """Return the object's size and its content in pieces."""
        path = self.path(key)
        size = path.stat().st_size

        def gen() -> Iterator[bytes]:
            with open(path, "rb") as fh:
                while piece := fh.read(CHUNK):
                    yield piece

        return size, gen()

    def delete(self, key: str) -> None:
        """Remove the object if it is there."""
        self.path(key).unlink(missing_ok=True)

    def objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """List the objects under a key prefix (in-flight `.part` files left out)."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if not path.is_file() or path.name.endswith(".part"):
                continue
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix):
                st = path.stat()
                yield StoredObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def check(self) -> None:
        """Raise unless the folder can be written."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")


class S3Store:
    """Objects in a bucket of any S3-compatible store (AWS, MinIO, Ceph, …), through boto3."""

    def __init__(self, url: str) -> None:
        import boto3  # imported here: a file:// deployment never loads botocore

        parts = urlsplit(url)
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.bucket = parts.netloc
        self.prefix = unquote(parts.path).strip("/")
        self.url = url
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=options.get("endpoint_url"),
            region_name=options.get("region") or os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        )

    def _key(self, key: str) -> str:
        key = _safe_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object; the store acknowledges only a complete object."""
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )

    def put_file(self, key: str, source: Path, content_type: str) -> None:
        """Upload a (large) file in parts; the store keeps it only once every part arrived."""
        self.client.upload_file(
            str(source), self.bucket, self._key(key), ExtraArgs={"ContentType": content_type}
        )

    def _get(self, key: str) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc

    def read(self, key: str) -> bytes:
        """Return the whole object."""
        return bytes(self._get(key)["Body"].read())

    def chunks(self, key: str) -> tuple[int, Iterator[bytes]]:
        """Return the object's size and its content in pieces, streamed from the store."""
        found = self._get(key)
        return int(found["ContentLength"]), found["Body"].iter_chunks(CHUNK)

    def delete(self, key: str) -> None:
        """Remove the object (no error if it is gone)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """List the objects under a key prefix, page by page."""
        start = self._key(prefix) if prefix else (f"{self.prefix}/" if self.prefix else "")
        cut = len(self.prefix) + 1 if self.prefix else 0
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"][cut:], int(item["Size"]), item["LastModified"])

    def check(self) -> None:
        """Raise OSError unless the bucket answers."""
        from botocore.exceptions import BotoCoreError
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise OSError(f"{self.url}: {exc}") from exc


def open_store(url: str) -> FileStore | S3Store:
    """Return the store a `STORAGE_URL` names."""
    scheme = urlsplit(url).scheme
    if scheme == "file":
        return FileStore(unquote(urlsplit(url).path))
    if scheme == "s3":
        return S3Store(url)
    raise ValueError(f"STORAGE_URL must be file://… or s3://…, not {url!r}")


def init_app(app: Flask) -> None:
    """Open the configured store once per process."""
    url = app.config.get("STORAGE_URL") or f"file://{Path(app.config['UPLOAD_DIR']).resolve()}"
    app.extensions["store"] = open_store(url)


def store() -> FileStore | S3Store:
    """Return the app's store."""
    return current_app.extensions["store"]  # type: ignore[no-any-return]


def sha256_of(data: bytes) -> str:
    """Return the hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def _disposition(name: str, as_attachment: bool) -> str:
    kind = "attachment" if as_attachment else "inline"
    try:
        name.encode("ascii")
        return f'{kind}; filename="{name}"'
    except UnicodeEncodeError:
        # RFC 6266/5987, as Werkzeug's send_file does: an ASCII fallback and the UTF-8 name
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return f"{kind}; filename=\"{simple}\"; filename*=UTF-8''{quote(name, safe='!#$&+^`|~')}"


def generated_file(
    body: Any,
    mimetype: str,
    name: str | None = None,
    *,
    as_attachment: bool = False,
    cache: str = "private, no-cache",
) -> Response:
    """Answer with a file made for this request (a PDF, an export, a QR code): under `name`,
    shown inline or as an attachment; by default kept by the browser only, asked again."""
    response = Response(body, mimetype=mimetype)
    if name is not None:
        response.headers["Content-Disposition"] = _disposition(name, as_attachment)
    response.headers["Cache-Control"] = cache
    return response


def send_stored(
    key: str,
    *,
    mimetype: str,
    private_max_age: int | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
) -> Response:
    """Answer with a stored object, streamed; FileNotFoundError if it is not there."""
    where = store()
    if isinstance(where, FileStore):
        path = where.path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        response = send_file(
            path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name
        )
    else:
        size, body = where.chunks(key)
        response = Response(body, mimetype=mimetype, direct_passthrough=True)
        response.content_length = size
        if download_name or as_attachment:
            response.headers["Content-Disposition"] = _disposition(
                download_name or key.rsplit("/", 1)[-1], as_attachment
            )
    if private_max_age is not None:
        # Files of one organization: a browser may keep them, a shared cache may not.
        response.headers["Cache-Control"] = f"private, max-age={private_max_age}"
    return response
