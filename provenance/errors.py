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
    if isinstance(e, ProvError):
        print("prov: " + " ".join(e.message.splitlines()), file=sys.stderr)
        return e.exit_code
    if isinstance(e, KeyboardInterrupt):
        return 130
    if isinstance(e, BrokenPipeError):
        return 0
    print(f"prov: internal error: {type(e).__name__}: {e} (set PROV_DEBUG=1 for the traceback)", file=sys.stderr)
    return 3
