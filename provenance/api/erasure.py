"""``prov erasure``: does any artefact hold *this person's* record verbatim?

Every artefact that derives from the dataset (the card index, ``api.lineage.affected_by``) is loaded
through the construction policy and searched for exactly the given rows, through its pipeline steps
(``analysis.verbatim.held_rows``). The request is ledgered with a digest of each row, never the data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from ..model.erasure import ErasureFinding, ErasureReport
from ..store import userkeys
from ..store.repo import require_repo
from ..store.session import utcnow


def erasure(
    dataset: str,
    records: Path,
    target: str | None = None,
    start: Path | None = None,
    *,
    key_name: str | None = None,
    passphrase: userkeys.PassphraseProvider = userkeys.env_passphrase,
    now: dt.datetime | None = None,
) -> ErasureReport:
    from ..analysis.artefact import inspect_artefact
    from ..analysis.privacy import records_held
    from ..analysis.tabular import read_table
    from ..errors import NotFoundError
    from ..policy.exposure import RETRAIN, REVIEW
    from ..store import ledger
    from ..store.limits import limits_for
    from .keys import load_signing_key
    from .lineage import affected_by

    repo = require_repo(start)
    now = now or utcnow()
    x, _, columns = read_table(records, target)
    report = affected_by(dataset, repo.root)
    if not report.registered and not report.artefacts:
        raise NotFoundError(f"no dataset named {dataset!r} is registered and no card names it; check the name")
    _, key = load_signing_key(key_name, repo, passphrase, now)  # before any work: the request is ledgered
    aligned, aligned_why = _columns_match(repo, dataset, columns, target)
    limits = limits_for(repo)
    findings = []
    for a in report.artefacts:
        path = repo.root / a.artefact
        if not path.exists():
            rows, where = None, ["the artefact is not in this working tree"]
        elif path.is_dir():
            rows, where = None, ["a directory artefact: prov cannot load it to search it"]
        else:
            rows, where = records_held(path, inspect_artefact(path, limits), x)
        if rows is None:
            action, why = RETRAIN, f"it could not be searched ({'; '.join(where)}), so it may hold the records"
        elif rows:
            action, why = RETRAIN, f"it holds {len(rows)} of the {len(x)} records verbatim: retrain without them"
        elif a.risk not in ("high", "low"):
            action, why = (
                RETRAIN,
                (
                    f"the {len(x)} records were not found, but its card does not say what it memorises "
                    "(risk unknown), so their absence is not shown: treat it as holding them"
                ),
            )
        elif a.risk == "high" and not aligned:
            # Without the training table to check the records' columns against, columns in another order
            # would hide a match: a model that stores rows is not cleared by a search that may be misaligned.
            action, why = (
                RETRAIN,
                (
                    f"its card says it stores training rows (memorisation risk high) and the {len(x)} records were "
                    f"not found, but their columns could not be checked against the training table ({aligned_why}): "
                    "treat it as holding them"
                ),
            )
        else:
            action, why = REVIEW, f"it holds none of the {len(x)} records verbatim (searched through every step)"
        findings.append(
            ErasureFinding(
                artefact=a.artefact,
                card_sha256=a.card_sha256,
                depth=a.depth,
                checked=rows is not None,
                rows_held=rows or [],
                where=where,
                action=action,  # type: ignore[arg-type]
                why=why,
            )
        )
    digests = [_row_digest(row) for row in x.tolist()]
    entry = ledger.append(
        repo,
        "erasure",
        {
            "dataset": dataset,
            "rows": digests,
            "artefacts": [
                {"artefact": f.artefact, "card_sha256": f.card_sha256, "rows_held": f.rows_held, "action": f.action}
                for f in findings
            ],
        },
        key,
        now,
    )
    return ErasureReport(
        dataset=dataset, records=str(records), row_sha256=digests, findings=findings, ledger_seq=entry.seq
    )


def _columns_match(repo, dataset: str, columns: list[str], target: str | None) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    """Whether the records' feature columns are the training table's, by name and order (the search
    compares values position by position). A table of the dataset with other columns is the user's
    mistake (exit 2); no readable table of the dataset leaves it unchecked."""
    from ..analysis.tabular import read_table
    from ..errors import UsageError
    from ..store import datasets as dataset_store

    if dataset not in dataset_store.names(repo):
        return False, f"{dataset} is not registered here"
    manifest = dataset_store.load(repo, dataset)[0]
    for f in manifest.files:
        path = repo.root / f.path
        if not path.is_file() or path.suffix.lower() not in (".csv", ".parquet", ".pq"):
            continue
        try:
            _, _, names = read_table(path, target)
        except UsageError:
            continue
        if names == columns:
            return True, ""
        raise UsageError(
            f"--records: its feature columns ({', '.join(columns[:6])}{'…' if len(columns) > 6 else ''}) are not "
            f"{f.path}'s ({', '.join(names[:6])}{'…' if len(names) > 6 else ''}), in the same order: the search "
            "compares values column by column; write the records with the training table's header"
        )
    return False, f"no CSV or Parquet file of {dataset} is here to read its header"


def _row_digest(row: list[object]) -> str:
    """A digest of one row's values, to show later which request this was (never the values themselves).
    A row with few possible values can be guessed from its digest: the ledger is as confidential as
    the repository it lives in."""
    return hashlib.sha256(json.dumps(row, separators=(",", ":")).encode()).hexdigest()
