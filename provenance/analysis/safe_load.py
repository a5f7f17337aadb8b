"""Loading artefacts through the construction policy: the one way prov (and its users) load a model.

Pickle and joblib files are parsed once (``pickles.reader``), judged against the construction table
(``pickles.judge``) and built from that same parse (``pickles.build``) under the audit-hook guard;
the card's inspection is the judge's verdict on the same parse, so the two cannot disagree.
``.skops`` files are loaded by skops, trusting only the types the table admits, and their result is
checked with the same structural validators. ``trust_pickle=True`` (``--trust-pickle``) is the only
way round, and it means "run whatever this file says".
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CheckFailed, UsageError
from .pickles.reader import Limits, Parse, ParseError


class UnsafePickleError(CheckFailed):
    code = "UNSAFE_PICKLE"

    def __init__(self, path: Path, offenders: list[str], *, detail: str | None = None) -> None:
        shown = ", ".join(offenders[:6]) + (f" and {len(offenders) - 6} more" if len(offenders) > 6 else "")
        super().__init__(
            f"{path}: refusing to load: {detail or 'it asks for code outside the construction table'} ({shown}); "
            "pass --trust-pickle only if you trust whoever wrote this file"
        )
        self.offenders = offenders


@dataclass
class Inspected:
    """The judge's verdict on one parse: what the card records about a pickle-bearing file."""

    parse: Parse | None
    untrusted: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    error: str | None = None  # the file could not be parsed exactly (then it is not safe)

    @property
    def safe(self) -> bool:
        return self.parse is not None and not self.untrusted and not self.violations

    def offenders(self) -> list[str]:
        return self.untrusted + self.violations + ([self.error] if self.error else [])


def inspect_pickle(path: Path, limits: Limits | None = None, *, digest: bool = False) -> Inspected:
    """Parse and judge a pickle-bearing file. Never imports anything the file names.

    ``digest``: hash the bytes as they are parsed (``parse.sha256``), for a load that must match a card.
    """
    from .pickles.judge import judge

    try:
        parse = _parse(path, limits, digest)
    except ParseError as e:
        return Inspected(None, error=f"cannot be read exactly: {e}")
    verdict = judge(parse)
    return Inspected(parse, verdict.untrusted, verdict.violations)


def _parse(path: Path, limits: Limits | None, digest: bool) -> Parse:
    from .pickles.reader import parse_file

    try:
        return parse_file(path, limits, digest=digest)
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror or e}") from None


def load_model(path: Path, *, trust_pickle: bool = False, limits: Limits | None = None) -> Any:
    """The object in ``path``, built only as the construction table allows (or anything, when trusted)."""
    if path.suffix.lower() == ".skops":
        return _load_skops(path, trust_pickle)
    if trust_pickle:
        import joblib

        return joblib.load(path)
    return load_parsed(path, inspect_pickle(path, limits))


def load_parsed(path: Path, inspected: Inspected) -> Any:
    """Build the object from a parse the judge has seen: the card's inspection and the load are one parse."""
    if not inspected.safe or inspected.parse is None:
        detail = "it cannot be read exactly" if inspected.error else None
        raise UnsafePickleError(path, inspected.offenders(), detail=detail)
    from .pickles.build import BuildError, build
    from .pickles.guard import GuardTripped
    from .pickles.judge import Verdict

    try:
        obj, _notes = build(inspected.parse, Verdict())
    except GuardTripped as e:
        raise UnsafePickleError(path, [str(e)], detail="loading it tried something a model load never does") from None
    except BuildError as e:
        raise UnsafePickleError(path, [str(e)], detail="it cannot be built as the table allows") from None
    return obj


def shadow_parsed(path: Path, inspected: Inspected) -> Any:
    """The parse built with stand-ins for scikit-learn and scipy (``pickles.shadow``): the model's
    attributes for the static analysis, from the same parse and the same gate as a load, importing
    neither library. Raises UnsafePickleError where ``load_parsed`` would refuse the parse."""
    if not inspected.safe or inspected.parse is None:
        detail = "it cannot be read exactly" if inspected.error else None
        raise UnsafePickleError(path, inspected.offenders(), detail=detail)
    from .pickles.build import BuildError
    from .pickles.guard import GuardTripped
    from .pickles.judge import Verdict
    from .pickles.shadow import shadow_build

    try:
        return shadow_build(inspected.parse, Verdict())
    except GuardTripped as e:
        raise UnsafePickleError(path, [str(e)], detail="reading it tried something a model load never does") from None
    except BuildError as e:
        raise UnsafePickleError(path, [str(e)], detail="it cannot be built as the table allows") from None


def _load_skops(path: Path, trust: bool) -> Any:
    try:
        import skops.io as sio
    except ImportError:
        raise UsageError(f"{path}: loading .skops files needs the skops package (pip install skops)") from None
    from ..readings import noting_reads, open_read
    from .artefact import inspect_artefact

    # skops loads the bytes read here; the inspection must have read the same file (not another one put
    # under the name in between), or the types judged would not be the types skops builds.
    with noting_reads() as seen:
        with open_read(path) as f:
            data = f.read()
        facts = inspect_artefact(path)
    import hashlib

    noted = seen.get(os.fspath(path))
    if noted is None or any(hashlib.sha256(data[:n]).hexdigest() != sha256 for n, sha256 in noted[1]):
        raise UsageError(f"{path}: changed while prov read it; load it again once nothing writes it")
    if not facts.inspected:
        raise UsageError(f"{path}: not a readable skops file ({'; '.join(facts.notes)})")
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as e:  # a damaged archive
        raise UsageError(f"{path}: not a readable skops file ({type(e).__name__}: {e})") from None
    offenders = list(dict.fromkeys([*facts.untrusted_globals, *skops_offenders(untrusted)]))
    if offenders and not trust:
        raise UnsafePickleError(path, offenders)
    import importlib

    from .pickles.guard import GuardTripped, guarded
    from .pickles.postload import validate
    from .pickles.values import NotValid

    for dotted in facts.globals:  # import what skops will look up before the guard refuses imports
        module = dotted.rpartition(".")[0]
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    try:
        with guarded(readable=str(path)):
            obj = sio.loads(data, trusted=untrusted)
    except GuardTripped as e:
        raise UnsafePickleError(path, [str(e)], detail="loading it tried something a model load never does") from None
    if not trust:
        try:
            validate(obj)
        except NotValid as e:
            raise UnsafePickleError(path, [str(e)], detail="its arrays point outside themselves") from None
    return obj


# Types skops builds whose arrays are checked after the load (``pickles.postload``).
_SKOPS_CHECKED_AFTER = {
    "sklearn.tree._tree.Tree",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "scipy.interpolate._bsplines.BSpline",
}


def skops_offenders(types: list[str]) -> list[str]:
    """The types in a skops file that skops would build but the construction table does not admit.

    skops makes objects with ``cls.__new__`` and ``__setstate__``: only plain table classes (reviewed
    setstate), values, and the types checked after the load qualify.
    """
    from .pickles import rules, table

    out = []
    for dotted in types:
        module, _, name = dotted.rpartition(".")
        entry = table.lookup(module, name)
        ok = entry is not None and (
            entry.rule is table.VALUE
            or isinstance(entry.rule, rules.PlainObject)
            or dotted in _SKOPS_CHECKED_AFTER
            or (module == "sklearn.metrics._dist_metrics" and entry.rule is table.VALUE)
        )
        ok = ok or (module.startswith("builtins") and name in ("dict", "list", "tuple", "set", "str", "int", "float"))
        if not ok:
            out.append(dotted)
    return out
