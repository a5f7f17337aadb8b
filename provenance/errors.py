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
