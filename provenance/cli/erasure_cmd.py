"""`prov erasure`: parse, call the use case, render."""

from __future__ import annotations

from pathlib import Path

import click

from ._output import emit_json, out, say


@click.command("erasure")
@click.option("--dataset", required=True, help="The dataset the person's records belong to.")
@click.option(
    "--records",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV or Parquet with the person's rows, laid out like the training table (features, then the target).",
)
@click.option("--target", help="The target column (default: the last one).")
@click.option("--key-name", help="Your key that signs the ledger entry (default: your default key).")
@click.option("--json", "as_json", is_flag=True)
def erasure(dataset: str, records: Path, target: str | None, key_name: str | None, as_json: bool) -> None:
    """One data subject's erasure request (GDPR Art. 17): for every artefact made from DATASET, at any
    depth, whether it holds THESE rows verbatim -- searched through every pipeline step -- and what to do.
    The request is recorded in the ledger with a digest of each row, never the data.

    Exit 1 when an artefact holds the rows or could not be searched (retrain or delete), 0 otherwise."""
    from ..api.erasure import erasure as run
    from ..textsafe import shown

    report = run(dataset, records, target, key_name=key_name)
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        say(f"{len(report.row_sha256)} records of {dataset}; {len(report.findings)} artefacts derive from it")
        for f in report.findings:
            out(f"{f.action:17}  {shown(f.artefact)}: {f.why}")
            for w in f.where if f.rows_held else []:
                out(f"{'':17}    {shown(w)}")
        say(f"recorded as ledger entry {report.ledger_seq} (row digests only)")
    if report.needs_action:
        raise SystemExit(1)
