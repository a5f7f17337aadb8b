"""The one place that says how prov fails.

Every failure a user can cause or act on is a ``ProvError``: the CLI prints its message as one line
and exits with its ``exit_code``. Bad input (2) and failed checks (1) are separate families, so a caller
can tell "you typed something wrong" from "the artefact did not pass".
"""

from __future__ import annotations


class ProvError(Exception):
    """Base of all errors prov raises on purpose."""

    exit_code: int = 3
    code: str = "INTERNAL"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.code


class UsageError(ProvError):
    """The user's input (a flag, a file, a manifest) is wrong. Exit 2."""

    exit_code = 2
    code = "BAD_INPUT"


class ManifestError(UsageError):
    """A YAML/JSON file the user wrote fails validation; names the file and the field."""

    code = "MANIFEST_INVALID"

    def __init__(self, path: str, field: str | None, problem: str) -> None:
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.field = field
        self.problem = problem


class NotFoundError(UsageError):
    """A named thing (file, key, dataset) does not exist."""

    code = "NOT_FOUND"


class SigningKeyError(UsageError):
    """A signing key is missing, unreadable or not usable."""

    code = "KEY_ERROR"


class CheckFailed(ProvError):
    """A check ran and the answer is no (verification failed, data changed). Exit 1."""

    exit_code = 1
    code = "CHECK_FAILED"


def _environment_errnos() -> frozenset[int]:
    import errno

    names = "EACCES EPERM ENOSPC EDQUOT EROFS ENAMETOOLONG ELOOP ENOTDIR EISDIR ENOENT EEXIST".split()
    return frozenset(getattr(errno, n) for n in names if hasattr(errno, n))


_ENVIRONMENT_ERRNOS = _environment_errnos()


def report(e: BaseException) -> int:
    """Print any failure as one line on stderr and return its exit code (the CLI's and the hook's).

    A ``ProvError`` is the user's to fix: its message, whatever a file smuggled into it, on one line.
    Anything else is prov's bug: exit 3, and the traceback with PROV_DEBUG=1.
    """
    import os
    import sys

    if os.environ.get("PROV_DEBUG"):
        import traceback

        traceback.print_exception(e)
    from .textsafe import shown

    if isinstance(e, ProvError):
        print("prov: " + shown(e.message.strip()), file=sys.stderr)
        return e.exit_code
    if isinstance(e, OSError) and e.errno in _ENVIRONMENT_ERRNOS:
        # The machine said no (permissions, a full or read-only disk, a name too long, a link loop): the
        # user's to fix, so one line naming the file, not an internal error.
        where = shown(e.filename, 120) if e.filename is not None else "a file"
        print(f"prov: {where}: {e.strerror or e}", file=sys.stderr)
        return 2
    if isinstance(e, KeyboardInterrupt):
        return 130
    if isinstance(e, BrokenPipeError):
        return 0
    what = shown(f"{type(e).__name__}: {e}", limit=400)
    print(f"prov: internal error: {what} (set PROV_DEBUG=1 for the traceback)", file=sys.stderr)
    return 3
