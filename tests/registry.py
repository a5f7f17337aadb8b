"""A real OCI registry for the tests: Debian's `docker-registry` (CNCF Distribution 2.8), started with a
config of our own -- 127.0.0.1 on a free port, filesystem storage in a temporary directory, deletes
enabled -- never the package's default config (it listens on every interface). Skipped with a clear
message where the package is missing; required where `.ci/run` installed it (PROV_REQUIRE_TOOLS=1)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools import need


@dataclass
class RunningRegistry:
    host: str  # 127.0.0.1:PORT
    storage: Path
    process: subprocess.Popen[bytes]

    log: Path

    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of every request the registry answered so far, from its access log."""
        import re

        text = self.log.read_text(errors="replace")
        return re.findall(r'"(GET|HEAD|PUT|POST|PATCH|DELETE) (/v2/[^ ]*) HTTP', text)

    def blob_gets(self) -> list[str]:
        """The digests of blobs fetched with GET (a HEAD is not a download)."""
        return [p.rsplit("/", 1)[-1] for m, p in self.requests() if m == "GET" and "/blobs/sha256:" in p]

    def blobs(self) -> set[str]:
        """Every blob the registry stores (its filesystem: whatever the API would say)."""
        root = self.storage / "docker" / "registry" / "v2" / "blobs" / "sha256"
        return {f"sha256:{d.name}" for d in root.glob("*/*") if (d / "data").is_file()} if root.is_dir() else set()

    def blob_file(self, digest: str) -> Path:
        hexd = digest.split(":", 1)[1]
        return self.storage / "docker" / "registry" / "v2" / "blobs" / "sha256" / hexd[:2] / hexd / "data"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def htpasswd_file(path: Path, user: str, password: str) -> Path:
    """A bcrypt htpasswd entry, as Distribution requires, made by apache2-utils' htpasswd."""
    binary = need("htpasswd", "apache2-utils")
    done = subprocess.run([binary, "-Bbn", user, password], capture_output=True, text=True, check=True)
    path.write_text(done.stdout.strip() + "\n")
    return path


@contextmanager
def registry(root: Path, htpasswd: Path | None = None, port: int | None = None) -> Iterator[RunningRegistry]:
    """``port``: listen there (to restart a registry on the storage of one that was stopped)."""
    binary = need("docker-registry", "docker-registry")
    port = port or _free_port()
    storage = root / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    auth = f"auth:\n  htpasswd:\n    realm: prov-tests\n    path: {htpasswd}\n" if htpasswd else ""
    config = root / "config.yml"
    with contextlib.suppress(FileNotFoundError):
        (root / "registry.log").unlink()
    config.write_text(
        "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n"
        f"storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n{auth}"
    )
    log = open(root / "registry.log", "wb")  # noqa: SIM115  (closed below, after the process)
    process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log_text = (root / "registry.log").read_text()[-500:]
                    raise RuntimeError(f"the registry did not start: {log_text}") from None
                time.sleep(0.05)
        yield RunningRegistry(f"127.0.0.1:{port}", storage, process, root / "registry.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
