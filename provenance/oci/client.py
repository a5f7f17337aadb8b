"""A small client of the OCI distribution API (blobs, manifests, referrers) on httpx.

Written here rather than taken from oras-py: checked against Distribution 2.8.2, oras-py cannot set an
``artifactType``, has no referrers support, does not verify digests on pull and reads a whole file
into memory to upload it. This client streams: an upload is one streamed PATCH that hashes the file as
it reads it, then ``PUT ?digest=`` (a single-request POST upload is silently ignored by 2.8); a
download is hashed as it is written to a temporary file, which takes the final name only when the
digest holds. Memory stays flat whatever the size. Basic credentials are sent up front.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CheckFailed, UsageError

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CHUNK = 4 * 1024 * 1024
MIN_RATE = 16 * 1024  # bytes/s a download may not fall below, averaged, once it has run for the timeout
MANIFEST_LIMIT = 4 * 1024 * 1024  # what registries accept, and all prov reads of a manifest or an index
LOOPBACK = ("localhost", "127.0.0.1", "[::1]", "::1")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_REPOSITORY = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class _Answer:
    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class RegistryError(UsageError):
    """The registry could not be reached, refused the credentials, or answered what the API does not."""


@dataclass(frozen=True)
class Reference:
    """``HOST[:PORT]/REPOSITORY[:TAG|@sha256:...]``, as docker and oras write it."""

    host: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @classmethod
    def parse(cls, text: str) -> Reference:
        host, _, rest = text.partition("/")
        if host and (len(host) > 255 or not _HOST.fullmatch(host) or not _ipv6_ok(host)):
            creds = "; credentials go in --username or the docker config, never in a reference" if "@" in host else ""
            raise UsageError(f"{text!r}: {host!r} is not HOST[:PORT] (a host name or an address){creds}")
        if not rest or not host or ("." not in host and ":" not in host and host != "localhost"):
            raise UsageError(
                f"{text!r}: a registry reference is HOST[:PORT]/REPOSITORY[:TAG], e.g. localhost:5000/team/model:v3"
            )
        digest = tag = None
        if "@" in rest:
            rest, _, digest = rest.partition("@")
            if not _DIGEST.fullmatch(digest):
                raise UsageError(f"{text!r}: the digest must be sha256: and 64 lower-case hex digits")
        elif ":" in rest.rsplit("/", 1)[-1]:
            rest, _, tag = rest.rpartition(":")
            if not _TAG.fullmatch(tag):
                raise UsageError(f"{text!r}: tag {tag!r} is not a valid tag")
        if not _REPOSITORY.fullmatch(rest):
            raise UsageError(f"{text!r}: repository {rest!r} must be lower-case path components")
        return cls(host, rest, tag, digest)

    @property
    def ref(self) -> str:
        return self.digest or self.tag or "latest"

    def __str__(self) -> str:
        return f"{self.host}/{self.repository}" + (f"@{self.digest}" if self.digest else f":{self.tag or 'latest'}")


def _ipv6_ok(host: str) -> bool:
    """A bracketed host must hold an IPv6 address (the URL parser refuses anything else, too late)."""
    if not host.startswith("["):
        return True
    import ipaddress

    try:
        ipaddress.IPv6Address(host[1 : host.index("]")])
    except ValueError:
        return False
    return True


def _open_signed(path: Path, size: int | None) -> int:
    """The file itself (never through a symbolic link), a regular file of the size the card signed:
    checked before any byte is sent, so a file swapped after the decision sends nothing."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as e:
        raise CheckFailed(
            f"{path}: cannot be opened as the file that was signed ({e.strerror}); nothing was sent"
        ) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or (size is not None and st.st_size != size):
        os.close(fd)
        raise CheckFailed(
            f"{path}: is not the file that was signed (now {st.st_size} bytes, signed {size}); nothing was sent",
            code="DIGEST_MISMATCH",
        )
    return fd


def _file_chunks(fd: int, path: Path, size: int, h: hashlib._Hash, progress: Progress | None) -> Iterator[bytes]:
    """Exactly ``size`` bytes of the opened file, hashed as they go. One that shrinks is refused here (the
    request would otherwise wait for bytes that never come); one that changed otherwise fails its digest."""
    left = size
    with open(fd, "rb", buffering=0, closefd=False) as f:  # the caller closes it
        while left:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                shrank = f"{path}: shrank while it was uploaded; nothing was published"
                raise CheckFailed(shrank, code="DIGEST_MISMATCH")
            left -= len(chunk)
            h.update(chunk)
            if progress is not None:
                progress(len(chunk))
            yield chunk


class Registry:
    """One registry host. ``plain_http``: None means plain HTTP for loopback hosts only, as docker does."""

    def __init__(
        self,
        host: str,
        *,
        plain_http: bool | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        try:
            import httpx
        except ImportError:
            raise UsageError(
                "talking to an OCI registry needs the oci extra: pip install 'prov-cards[oci]' (it adds httpx)"
            ) from None

        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        plain = name in LOOPBACK if plain_http is None else plain_http
        auth = httpx.BasicAuth(username, password or "") if username is not None else None
        self.host = host
        self._timeout = timeout
        self._secrets = [x for x in (password, f"{username}:{password}" if username else None) if x]
        try:
            self._http = httpx.Client(
                base_url=f"{'http' if plain else 'https'}://{host}",
                auth=auth,
                timeout=timeout,
                # Bodies as sent: a compressed answer could expand past every cap before prov counts a byte.
                headers={"Accept-Encoding": "identity"},
            )
        except (httpx.InvalidURL, ValueError) as e:
            raise RegistryError(f"{host}: not a registry address ({e})") from None
        self._last: Any = None  # the answer being read (its status and headers)
        self._referrers_api: dict[str, bool] = {}
        self._present: set[tuple[str, str]] = set()  # (repository, digest) of blobs known to be there

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _stream(self, method: str, url: str, **kwargs: object) -> Iterator[Iterator[bytes]]:
        """One request, its answer's body as raw chunks. Only reads (GET, HEAD) follow redirects -- blob
        storage may live elsewhere, and what comes back is checked by digest; the Authorization header
        is not sent to another origin. A write is never redirected: weights, cards and tags go to the
        registry named or nowhere. A body must come as sent (no content encoding)."""
        import httpx

        try:
            with self._http.stream(method, url, follow_redirects=method in ("GET", "HEAD"), **kwargs) as r:  # type: ignore[arg-type]
                if r.status_code == 401:
                    raise RegistryError(
                        f"{self.host}: the registry refused the credentials (401); pass --username and "
                        "--password-stdin, or log in with docker"
                    )
                encoding = r.headers.get("Content-Encoding", "identity").strip().lower()
                if encoding not in ("", "identity"):
                    raise RegistryError(
                        f"{self.host}: answered {method} with a {encoding!r}-encoded body; prov reads bodies as sent"
                    )
                self._last = r
                yield r.iter_raw()  # as the network delivers it: every cap and deadline is checked per read
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as e:
            raise RegistryError(
                f"{self.host}: cannot reach the registry ({type(e).__name__}: {self._scrub(str(e))})"
            ) from None

    def _request(self, method: str, url: str, *, limit: int = 1 << 20, **kwargs: object) -> _Answer:
        """One request; the answer read up to ``limit`` bytes (a registry cannot make prov hold more)."""
        import time

        deadline = time.monotonic() + self._timeout  # for the whole answer: a trickle cannot hold a command
        with self._stream(method, url, **kwargs) as chunks:
            body = bytearray()
            for chunk in chunks:
                body += chunk
                if len(body) > limit:
                    raise RegistryError(f"{self.host}: answered more than {limit} bytes to {method} {url[:80]}")
                if time.monotonic() > deadline:
                    raise RegistryError(f"{self.host}: took more than {self._timeout:.0f} s to answer {method}")
            r = self._last
            return _Answer(r.status_code, r.headers, bytes(body))

    def _scrub(self, text: str) -> str:
        """Registry text with the credentials taken out (a registry may echo what it was sent)."""
        import base64
        import json

        for secret in self._secrets:
            raw = secret.encode()
            forms = {
                secret,
                json.dumps(secret)[1:-1],  # as JSON writes it back: escaped quotes, backslashes, \uXXXX
                json.dumps(secret, ensure_ascii=False)[1:-1],
                base64.b64encode(raw).decode(),
                base64.b64encode(raw).decode().rstrip("="),
                base64.urlsafe_b64encode(raw).decode().rstrip("="),
            }
            for form in sorted(forms, key=len, reverse=True):
                if form:
                    text = text.replace(form, "***")
        return text

    def _fail(self, r: _Answer, what: str) -> RegistryError:
        detail = ""
        if r.headers.get("content-type", "").startswith("application/json"):
            detail = self._scrub(r.text)[:200].strip()
        return RegistryError(f"{what}: the registry answered {r.status_code}{f' ({detail})' if detail else ''}")

    # --- blobs ---------------------------------------------------------------------------------------

    def blob_exists(self, repository: str, digest: str) -> bool:
        r = self._request("HEAD", f"/v2/{repository}/blobs/{digest}")
        if r.status_code == 200:
            return True
        if r.status_code == 404:
            return False
        raise self._fail(r, f"HEAD blob {digest[:19]}…")

    def push_file(
        self,
        repository: str,
        path: Path,
        *,
        known: str | None = None,
        size: int | None = None,
        progress: Progress | None = None,
    ) -> tuple[str, int, bool]:
        """Upload ``path`` as a blob: (digest, size, uploaded). With ``known`` and ``size`` (what the card
        signed) a blob the registry already has is not sent again, and a file that is not a regular file of
        that size sends nothing. One pass over the file: hashed while sent."""
        fd = _open_signed(path, size)
        try:
            size = os.fstat(fd).st_size
            if known is not None and self.blob_exists(repository, known):
                return known, size, False
            location = self._start_upload(repository)
            h = hashlib.sha256()
            r = self._request(
                "PATCH",
                location,
                content=_file_chunks(fd, path, size, h, progress),
                # A known length: the body goes out as read, without chunked encoding's copy of every chunk.
                headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
            )
        finally:
            os.close(fd)
        if r.status_code != 202:
            raise self._fail(r, f"upload of {path.name}")
        digest = f"sha256:{h.hexdigest()}"
        if known is not None and digest != known:
            raise CheckFailed(
                f"{path}: changed while it was uploaded (sha256 {digest[7:23]}…, the card signed {known[7:23]}…); "
                "nothing was published",
                code="DIGEST_MISMATCH",
            )
        self._finish_upload(self._location(r), digest, f"upload of {path.name}")
        return digest, size, True

    def push_bytes(self, repository: str, data: bytes) -> str:
        digest = f"sha256:{hashlib.sha256(data).hexdigest()}"
        if (repository, digest) in self._present or self.blob_exists(repository, digest):
            self._present.add((repository, digest))
            return digest
        location = self._start_upload(repository)
        r = self._request("PATCH", location, content=data, headers={"Content-Type": "application/octet-stream"})
        if r.status_code != 202:
            raise self._fail(r, "upload")
        self._finish_upload(self._location(r), digest, "upload")
        self._present.add((repository, digest))
        return digest

    def _start_upload(self, repository: str) -> str:
        r = self._request("POST", f"/v2/{repository}/blobs/uploads/")
        if r.status_code != 202 or "Location" not in r.headers:
            raise self._fail(r, f"starting an upload to {repository}")
        return self._location(r)

    def _location(self, r: _Answer) -> str:
        """Where the registry says the upload continues: on the registry itself, always. Weights and
        credentials go only to the host the user named and its audience was decided for; a Location on
        another host is refused, and one on the same host under another scheme (a TLS-terminating proxy
        that answers http://) is taken over the scheme prov uses."""
        from urllib.parse import unquote, urlsplit, urlunsplit

        location = r.headers.get("Location", "")
        parts = urlsplit(location)
        elsewhere = parts.scheme not in ("http", "https") or parts.netloc.lower() != self.host.lower()
        if (parts.scheme or parts.netloc) and elsewhere:
            raise RegistryError(
                f"{self.host}: the registry sent the upload to {parts.netloc or location!r}; prov sends weights "
                "and credentials only to the registry named in the reference"
            )
        path = unquote(parts.path)  # as a decoding proxy would route it
        if not path.startswith("/v2/") or posixpath.normpath(path) != path.rstrip("/") or "\\" in path:
            raise RegistryError(f"{self.host}: the upload location {location[:80]!r} is not under /v2/")
        return urlunsplit(("", "", parts.path, parts.query, ""))

    def _finish_upload(self, location: str, digest: str, what: str) -> None:
        sep = "&" if "?" in location else "?"
        r = self._request("PUT", f"{location}{sep}digest={digest}", headers={"Content-Length": "0"})
        if r.status_code != 201:
            raise self._fail(r, what)

    def pull_blob(
        self, repository: str, digest: str, dest: Path, *, size: int | None = None, progress: Progress | None = None
    ) -> int:
        """Download a blob to ``dest``, hashed while written; ``dest`` appears only when the digest holds.
        ``size``: the length the blob must have (a registry cannot fill the disk before the digest fails)."""
        if not _DIGEST.fullmatch(digest):
            raise RegistryError(f"{digest!r}: prov pulls sha256 blobs only")

        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name[:64]}.", suffix=".part", dir=dest.parent)
        h = hashlib.sha256()
        done = 0
        try:
            with os.fdopen(fd, "wb", buffering=0) as f:  # unbuffered: each network read written once, not copied
                with self._stream("GET", f"/v2/{repository}/blobs/{digest}") as chunks:
                    if self._last.status_code != 200:
                        raise RegistryError(f"blob {digest[:19]}…: the registry answered {self._last.status_code}")
                    started = time.monotonic()
                    for chunk in chunks:
                        h.update(chunk)
                        view = memoryview(chunk)
                        while view:
                            view = view[f.write(view) :]
                        done += len(chunk)
                        spent = time.monotonic() - started
                        if spent > self._timeout and done / spent < MIN_RATE:
                            raise RegistryError(
                                f"{self.host}: sends blob {digest[:19]}… at {done / spent / 1024:.0f} KiB/s; gave up"
                            )
                        if size is not None and done > size:
                            raise CheckFailed(
                                f"blob {digest[:19]}… from {self.host}/{repository}: longer than the {size} "
                                "bytes signed for it",
                                code="DIGEST_MISMATCH",
                            )
                        if progress is not None:
                            progress(len(chunk))
                f.flush()
                os.fsync(f.fileno())
            if f"sha256:{h.hexdigest()}" != digest:
                raise CheckFailed(
                    f"blob {digest[:19]}… from {self.host}/{repository}: its bytes hash to "
                    f"sha256:{h.hexdigest()[:16]}…; the registry holds something else under that digest",
                    code="DIGEST_MISMATCH",
                )
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return done

    def get_blob(self, repository: str, digest: str, limit: int) -> bytes:
        """A small blob (a card, a signature) read into memory: at most ``limit`` bytes, and it must hash
        to ``digest``."""
        if not _DIGEST.fullmatch(digest):
            raise RegistryError(f"{digest!r}: prov reads sha256 blobs only")

        import time

        deadline = time.monotonic() + self._timeout
        data = bytearray()
        with self._stream("GET", f"/v2/{repository}/blobs/{digest}") as chunks:
            if self._last.status_code != 200:
                raise RegistryError(f"blob {digest[:19]}…: the registry answered {self._last.status_code}")
            for chunk in chunks:
                data += chunk
                if len(data) > limit:
                    raise RegistryError(f"blob {digest[:19]}…: larger than the {limit} bytes it may be")
                if time.monotonic() > deadline:
                    raise RegistryError(
                        f"{self.host}: took more than {self._timeout:.0f} s to send blob {digest[:19]}…"
                    )
        if f"sha256:{hashlib.sha256(data).hexdigest()}" != digest:
            raise CheckFailed(
                f"blob {digest[:19]}… from {self.host}/{repository}: the registry holds something else under that "
                "digest",
                code="DIGEST_MISMATCH",
            )
        return bytes(data)

    # --- manifests -----------------------------------------------------------------------------------

    def put_manifest(self, repository: str, ref: str | None, body: bytes, media_type: str) -> str:
        """Store a manifest under ``ref`` (a tag), or under its own digest when ``ref`` is None; its digest."""
        digest = f"sha256:{hashlib.sha256(body).hexdigest()}"
        ref = ref or digest
        if len(body) > MANIFEST_LIMIT:
            raise RegistryError(f"a manifest of {len(body)} bytes: registries cap manifests at 4 MiB")
        r = self._request(
            "PUT", f"/v2/{repository}/manifests/{ref}", content=body, headers={"Content-Type": media_type}
        )
        if r.status_code != 201:
            raise self._fail(r, f"manifest {repository}:{ref}")
        said = r.headers.get("Docker-Content-Digest")
        if said is not None and said != digest:
            raise RegistryError(f"manifest {repository}:{ref}: the registry stored {said}, not {digest}")
        return digest

    def get_manifest(
        self, repository: str, ref: str, accept: tuple[str, ...] = (MANIFEST, INDEX)
    ) -> tuple[bytes, str, str] | None:
        """(body, media type, digest), or None when there is none. A manifest asked for by digest must hash
        to it (the registry is not trusted to serve what it was asked for)."""
        r = self._request(
            "GET", f"/v2/{repository}/manifests/{ref}", headers={"Accept": ", ".join(accept)}, limit=MANIFEST_LIMIT
        )
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise self._fail(r, f"manifest {repository}:{ref}")
        body = r.content
        digest = f"sha256:{hashlib.sha256(body).hexdigest()}"
        if _DIGEST.fullmatch(ref) and digest != ref:
            raise CheckFailed(
                f"manifest {repository}@{ref[:19]}…: the registry served other bytes (sha256 {digest[7:23]}…)",
                code="DIGEST_MISMATCH",
            )
        return body, r.headers.get("Content-Type", "").split(";")[0], digest

    # --- referrers -----------------------------------------------------------------------------------

    def referrers_index(self, repository: str, subject: str) -> bytes | None:
        """The raw index of manifests whose ``subject`` is ``subject``: the OCI 1.1 referrers API where the
        registry has it, else the ``sha256-<hex>`` tag index that clients maintain (Distribution 2.8)."""
        if self._referrers_api.get(repository) is not False:  # asked once per repository and command
            r = self._request(
                "GET", f"/v2/{repository}/referrers/{subject}", headers={"Accept": INDEX}, limit=MANIFEST_LIMIT
            )
            if r.status_code == 200 and r.headers.get("Content-Type", "").startswith(INDEX):
                self._referrers_api[repository] = True
                return r.content
        self._referrers_api[repository] = False
        found = self.get_manifest(repository, _fallback_tag(subject), (INDEX,))
        return None if found is None else found[0]

    def referrers(self, repository: str, subject: str) -> list[dict]:  # type: ignore[type-arg]
        """The descriptors in ``referrers_index``."""

        raw = self.referrers_index(repository, subject)
        if raw is None:
            return []
        from ..strictjson import loads

        try:
            listed = loads(raw).get("manifests", [])
        except (ValueError, AttributeError, RecursionError):
            where = f"{self.host}/{repository}"
            raise RegistryError(f"{where}: the referrers index of {subject[:19]}… is not JSON") from None
        return [d for d in listed if isinstance(d, dict)] if isinstance(listed, list) else []

    def add_referrer(self, repository: str, subject: str, descriptor: dict) -> None:  # type: ignore[type-arg]
        self.add_referrers(repository, subject, [descriptor])

    def add_referrers(self, repository: str, subject: str, descriptors: list[dict]) -> None:  # type: ignore[type-arg]
        """Record referrers where the registry does not: read, modify and write the fallback tag's index,
        once for all of them. Two writers at once can race on such a registry (the last write wins); the
        referrers API has no race."""
        import json

        existing = self.referrers(repository, subject)
        if self._referrers_api[repository]:
            return
        listed = {d.get("digest") for d in existing if isinstance(d.get("digest"), str)}
        new = [d for d in descriptors if d["digest"] not in listed]
        if not new:
            return  # listed already (a second push of the same card): no write, no race
        index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [*existing, *new]}
        self.put_manifest(repository, _fallback_tag(subject), json.dumps(index, separators=(",", ":")).encode(), INDEX)


def _fallback_tag(digest: str) -> str:
    return digest.replace(":", "-", 1)
