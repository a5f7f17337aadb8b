"""SHA-1 (git's object ids), SHA-256 and BLAKE2b for small inputs, from CPython's built-in modules.

`import hashlib` loads OpenSSL, which costs `prov verify` and the pre-commit hook more start-up time
than hashing a card takes; the built-in modules give the same digests. Files are hashed with hashlib
(OpenSSL is faster on gigabytes): see ``digest.py``.
"""

from __future__ import annotations

try:
    from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12+
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[assignment]

try:
    from _sha1 import sha1  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    from hashlib import sha1  # type: ignore[assignment]

try:
    from _blake2 import blake2b  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    from hashlib import blake2b  # type: ignore[assignment]

__all__ = ["blake2b", "sha1", "sha256"]
