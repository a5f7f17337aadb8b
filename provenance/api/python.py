"""The Python API for training scripts: one call records a model with its signed card.

import provenance
provenance.record(model, "model.joblib", datasets=["patients-2024"], train=(X_train, y_train),
                  holdout=(X_test, y_test), metrics={"accuracy": 0.96})
provenance.verify("model.joblib").verified
provenance.decide_export("model.joblib", recipient=provenance.Recipient(name="Lab", org="Partner Lab",
                                                                        purpose="research", territory="DE"))
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..analysis.privacy import Data
from ..errors import UsageError
from ..model.decision import Decision, Recipient, Verification
from . import card as cards
from .card import CardResult

PathLike = str | os.PathLike[str]


def record(
    estimator: Any,
    path: PathLike,
    *,
    datasets: Sequence[str] = (),
    parents: Sequence[PathLike] = (),
    train: tuple[Any, Any] | None = None,
    holdout: tuple[Any, Any] | None = None,
    population: tuple[Any, Any] | None = None,
    audit: str = "standard",
    metrics: Mapping[str, float | str] | None = None,
    intended_use: str | None = None,
    limitations: str | None = None,
    licence: str | None = None,
    dp_epsilon: float | None = None,
    dp_delta: float | None = None,
    overwrite: bool = False,
    key_name: str | None = None,
    licence_link: str | None = None,
    hub_id: str | None = None,
    ssh: bool | None = None,
) -> CardResult:
    """Save ``estimator`` to ``path`` (joblib, or skops for ``.skops``), analyse it, sign and render its card.

    ``train`` and ``holdout`` are ``(X, y)`` pairs; with them the card carries the verbatim scan and the
    membership audit, which exports of models trained on personal data need. ``audit`` is its budget
    (``quick``, ``standard`` or ``thorough``); ``population``, another ``(X, y)`` pair the model never saw,
    trains the RMIA reference models in place of the holdout. ``hub_id``, ``licence_link`` and ``ssh`` are
    `prov card`'s ``--hub-id``, ``--licence-link`` and ``--ssh``; an ECDSA key also writes ``PATH.sig`` for
    ``model_signing verify key`` (``CardResult.companions`` lists what was written, ``notes`` what was not).
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise UsageError(f"{target} exists; pass overwrite=True to replace the model and re-sign its card")
    from ..card.request import CardRequest

    request = CardRequest(  # checked whole before the model is written
        target,
        datasets=tuple(datasets),
        parents=tuple(Path(p) for p in parents),
        metrics=dict(metrics or {}),
        intended_use=intended_use,
        limitations=limitations,
        licence=licence,
        licence_link=licence_link,
        hub_id=hub_id,
        ssh=ssh,
        key_name=key_name,
        overwrite=overwrite,
        train=Data(*train, source="train") if train is not None else None,
        holdout=Data(*holdout, source="holdout") if holdout is not None else None,
        population=Data(*population, source="population") if population is not None else None,
        audit=audit,
        dp_epsilon=dp_epsilon,
        dp_delta=dp_delta,
    )
    # The previous model stays until the new one is signed: a refusal (unknown dataset, changed data,
    # no key) puts it back, so the model on disk always matches the card beside it.
    previous = target.with_name(f".{target.name[:64]}.prov-previous") if target.exists() else None
    if previous is not None:
        os.replace(target, previous)
    try:
        _save(estimator, target)
        result = cards.sign_card(request)
    except BaseException:
        if previous is not None:
            os.replace(previous, target)
        else:
            target.unlink(missing_ok=True)
        raise
    if previous is not None:
        previous.unlink(missing_ok=True)
    return result


def _save(estimator: Any, target: Path) -> None:
    """Write atomically: a half-written model next to a card would fail every verification."""
    import tempfile

    from ..store import atomic

    atomic.make_parent(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:64]}.", dir=target.parent)
    os.close(fd)
    try:
        if target.suffix.lower() == ".skops":
            import skops.io

            skops.io.dump(estimator, tmp)
        else:
            import joblib

            joblib.dump(estimator, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def verify(path: PathLike, keys: Sequence[PathLike] = ()) -> Verification:
    """Verify an artefact's signed card (trusted keys: the repository's, or only ``keys``)."""
    from .verify import verify as run

    return run(Path(path), [Path(k) for k in keys])


def load(
    path: PathLike, keys: Sequence[PathLike] = (), *, max_bytes: int | None = None, max_opcodes: int | None = None
) -> Any:
    """Verify the artefact's signed card, then load the model through prov's construction policy.

    What a recipient should call instead of ``joblib.load`` or ``pickle.load``: the card must verify
    against ``keys`` (or the repository's trusted keys), its own inspection must have found the file
    safe, and the bytes loaded are the bytes whose digest the card signed (read once, hashed as they
    are parsed). Raises CheckFailed (UNSAFE_PICKLE, DIGEST_MISMATCH, ...) otherwise. ``max_bytes`` and
    ``max_opcodes`` bound the parse (defaults: the repository's ``loading`` settings, else 8 GiB and 20M).
    """
    from ..analysis.pickles.reader import Limits
    from ..store.limits import limits_near
    from .load import load_verified

    limits = None
    if max_bytes is not None or max_opcodes is not None:
        base = limits_near(Path(path))
        try:
            limits = Limits(max_bytes=max_bytes or base.max_bytes, max_opcodes=max_opcodes or base.max_opcodes)
        except ValueError as e:
            raise UsageError(str(e)) from None
    return load_verified(Path(path), [Path(k) for k in keys], limits)


def decide_export(path: PathLike, *, recipient: Recipient) -> Decision:
    """Would ``prov export`` allow this? Decides without writing anything."""
    from .export import export

    return export(Path(path), Path(os.devnull), recipient, dry_run=True).decision
