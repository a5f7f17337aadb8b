"""A dataset's withdrawal: consent withdrawn, an agreement ended, retention passed, an erasure request.

The payload of one signed line of ``.prov/withdrawals.jsonl`` (no I/O here). A withdrawal only ever
restricts: the decision honours every line it can read, whoever signed it (``store/withdrawals.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ._base import Strict, new_list
from .dataset import Sha256

WithdrawalReason = Literal["erasure", "consent-withdrawn", "agreement-ended", "retention", "other"]
REASONS: tuple[str, ...] = ("erasure", "consent-withdrawn", "agreement-ended", "retention", "other")


class Withdrawal(Strict):
    dataset: str = Field(min_length=1)
    reason: WithdrawalReason
    time: dt.datetime
    note: str | None = None
    manifest_sha256: Sha256 | None = Field(
        default=None, description="The manifest as it was when withdrawn (absent when it was already deleted)"
    )
    files: list[Sha256] = Field(
        default_factory=new_list,
        description="sha256 of each of its files when withdrawn: the same data registered under another name "
        "is the same withdrawn data",
    )
    content: list[Sha256] = Field(
        default_factory=new_list,
        description="Content digests a card may sign for this data (DatasetRef.content_sha256): the dataset's "
        "root over its files, and each file's alone; a card naming a dataset of that content, registered or not, "
        "is made from the withdrawn data",
    )
    sizes: list[int] = Field(
        default_factory=new_list,
        description="Sizes of the recorded artefacts' files: the pre-commit hook's fast path looks at any staged "
        "file of such a size",
    )
    artefacts: list[Sha256] = Field(
        default_factory=new_list,
        description="sha256 of every artefact made from it that may hold it when withdrawn: those bytes stay "
        "withdrawn whatever a later card says they were made from, under any file name",
    )
