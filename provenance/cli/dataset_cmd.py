from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from ._output import emit_json, out, say


@click.group()
def dataset() -> None:
    """Dataset manifests in .prov/datasets/: origin, owner, licence, agreements, GDPR facts, files."""


@dataset.command("add")
@click.argument("name", required=False)
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML manifest (see schemas/dataset-manifest.schema.json); digests are filled in.",
)
@click.option("--file", "files", multiple=True, help="A data file (repository-relative path); repeatable.")
@click.option("--version", "version", default="1", show_default=True)
@click.option("--description")
@click.option("--source", help="Where the data came from.")
@click.option("--url")
@click.option("--collected", type=click.DateTime(["%Y-%m-%d"]), help="Collection date, YYYY-MM-DD.")
@click.option("--owner", help="The data controller / owner.")
@click.option("--contact")
@click.option("--custodian", help="Who holds the data for the owner (a data office, a processor).")
@click.option("--custodian-contact")
@click.option("--hub-id", metavar="NAMESPACE/NAME", help="The dataset's Hugging Face Hub id, when published there.")
@click.option("--licence", help="SPDX expression; LicenseRef-<name> for a custom agreement.")
@click.option("--confidentiality", type=click.Choice(["public", "internal", "confidential", "restricted"]))
@click.option(
    "--personal-data/--no-personal-data", default=None, help="Whether the data holds personal data (required)."
)
@click.option("--category", "categories", multiple=True, help="Personal-data category, e.g. health; repeatable.")
@click.option("--legal-basis", help="GDPR Art. 6(1) basis, e.g. consent.")
@click.option("--special-condition", help="GDPR Art. 9(2) condition, e.g. explicit_consent.")
@click.option("--anonymisation", type=click.Choice(["none", "pseudonymised", "anonymised"]))
@click.option("--transfer-outside-eea/--no-transfer-outside-eea", default=None)
@click.option("--delete-by", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--embargo-until", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--json", "as_json", is_flag=True)
def add(name: str | None, manifest: Path | None, files: tuple[str, ...], as_json: bool, **opts: Any) -> None:
    """Register a dataset from a manifest (--manifest FILE) or from flags (NAME --file PATH ...).

    Agreements (NDAs, data-use agreements) are written in a manifest. File digests are computed
    and stored; re-running replaces the manifest.
    """
    from ..api import datasets as api

    if manifest is not None:
        if name or files:
            raise click.UsageError("give either --manifest FILE or NAME with flags, not both")
        result = api.add_from_manifest(manifest)
    else:
        if not name:
            raise click.UsageError("give a dataset NAME (with --file, --owner, ...) or --manifest FILE")
        result = api.add_from_fields(_fields(name, files, opts))
    m = result.manifest
    if as_json:
        emit_json({"path": str(result.path), "replaced": result.replaced, "manifest": m.model_dump(mode="json")})
    else:
        say(
            f"{'updated' if result.replaced else 'registered'} dataset {m.name} v{m.version} "
            f"({len(m.files)} file{'s' if len(m.files) != 1 else ''}) in {result.path}"
        )


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _fields(name: str, files: tuple[str, ...], o: dict[str, Any]) -> dict[str, Any]:
    """Flags to the same manifest shape a YAML file has; validation happens once, in the model."""
    fields: dict[str, Any] = {
        "name": name,
        "version": o["version"],
        "description": o["description"],
        "origin": {"source": o["source"], "url": o["url"], "collected": _date(o["collected"]), "hub_id": o["hub_id"]},
        "owner": {"name": o["owner"], "contact": o["contact"]},
        "licence": o["licence"],
        "confidentiality": o["confidentiality"],
        "files": [{"path": f} for f in files],
        "retention": {"delete_by": _date(o["delete_by"])},
        "embargo_until": _date(o["embargo_until"]),
    }
    if o["custodian"] or o["custodian_contact"]:
        fields["custodian"] = {"name": o["custodian"], "contact": o["custodian_contact"]}
    if o["personal_data"] is not None:
        pd: dict[str, Any] = {
            "contains": o["personal_data"],
            "categories": list(o["categories"]),
            "legal_basis": o["legal_basis"],
            "special_category_condition": o["special_condition"],
        }
        if o["anonymisation"]:
            pd["anonymisation"] = o["anonymisation"]
        if o["transfer_outside_eea"] is not None:
            pd["transfer_outside_eea"] = o["transfer_outside_eea"]
        fields["personal_data"] = pd
    hints = {"source": "--source", "owner": "--owner", "licence": "--licence", "confidentiality": "--confidentiality"}
    for key, flag in hints.items():
        if o[key] is None:
            raise click.UsageError(f"{flag} is required when registering a dataset from flags")
    if o["personal_data"] is None:
        raise click.UsageError("say whether the data holds personal data: --personal-data or --no-personal-data")
    return fields


@dataset.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def show(name: str, as_json: bool) -> None:
    """Print a registered manifest."""
    from ..api import datasets as api

    m = api.show(name)
    if as_json:
        emit_json(m.model_dump(mode="json"))
    else:
        click.echo(api.manifest_yaml(m), nl=False)


@dataset.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_(as_json: bool) -> None:
    """List registered datasets with their licence, confidentiality and personal-data flag."""
    from ..api import datasets as api

    items = api.list_all()
    if as_json:
        emit_json(
            [
                {
                    "name": m.name,
                    "version": m.version,
                    "licence": m.licence,
                    "confidentiality": m.confidentiality.value,
                    "personal_data": m.personal_data.contains,
                    "files": len(m.files),
                }
                for m in items
            ]
        )
        return
    if not items:
        say("no datasets registered; use `prov dataset add`")
    for m in items:
        pd = "personal data" if m.personal_data.contains else "no personal data"
        out(f"{m.name:24} v{m.version:6} {m.confidentiality.value:12} {m.licence:28} {pd}")


@dataset.command("check")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True)
def check(names: tuple[str, ...], as_json: bool) -> None:
    """Check that datasets' files still match their digests and retention has not passed (exit 1 if not)."""
    from ..api import datasets as api

    results = api.check(list(names))
    if as_json:
        emit_json([{"name": r.name, "ok": r.ok, "reasons": [x.model_dump() for x in r.reasons]} for r in results])
    else:
        for r in results:
            out(f"{'ok  ' if r.ok else 'FAIL'} {r.name}")
            for x in r.reasons:
                out(f"     {x.severity}: {x.code}: {x.message}")
    if not all(r.ok for r in results):
        raise SystemExit(1)


@dataset.command("withdraw")
@click.argument("name")
@click.option(
    "--reason",
    required=True,
    type=click.Choice(["erasure", "consent-withdrawn", "agreement-ended", "retention", "other"]),
    help="Why the data may no longer be used.",
)
@click.option("--note", help="Free text recorded with the withdrawal (a ticket, a letter's reference).")
@click.option("--key-name", help="Your key that signs it (default: your default key).")
@click.option("--json", "as_json", is_flag=True)
def withdraw(name: str, reason: str, note: str | None, key_name: str | None, as_json: bool) -> None:
    """Withdraw dataset NAME: a signed, ledgered record in .prov/withdrawals.jsonl. From then on every
    artefact made from it that may hold the data (memorisation risk high or unknown, or no audit showing
    it anonymous) is blocked from export and commit (DATASET_WITHDRAWN); those assessed anonymous get a
    warning. Lists the affected artefacts and what to do with each."""
    from ..api.datasets import withdraw as run
    from ..lineage import render

    result = run(name, reason, note, key_name=key_name)
    w = result.withdrawal
    if as_json:
        emit_json(
            {
                "withdrawal": w.model_dump(mode="json"),
                "new": result.new,
                "affected": result.affected.model_dump(mode="json"),
            }
        )
        return
    if result.new:
        say(f"withdrew {name} ({w.reason}) at {w.time.isoformat()}; commit .prov/withdrawals.jsonl and the ledger")
    else:
        say(f"{name} was already withdrawn ({w.reason}) at {w.time.isoformat()}; nothing recorded")
    for line in render.affected(result.affected):
        out(line)
