from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._output import (
    audit_progress,
    data_options,
    emit_json,
    load_training_data,
    parse_metric,
    prompt_passphrase,
    say,
)


@click.command()
@click.argument("artefact", type=click.Path(path_type=Path))
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    metavar="NAME[:ROLE]",
    help="A registered dataset the artefact was trained on (role train|validation|test); repeatable.",
)
@click.option(
    "--parent",
    "parents",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A parent artefact with a valid card (fine-tuned from, merged from ...), a path or an OCI registry "
    "reference HOST[:PORT]/REPOSITORY[:TAG] that `prov push` wrote (its card is fetched and verified, not its "
    "weights); repeatable.",
)
@click.option(
    "--relation",
    type=click.Choice(["finetune", "adapter", "merge", "quantized"]),
    default="finetune",
    show_default=True,
    help="How the artefact derives from its parents.",
)
@click.option("--metric", "metrics", multiple=True, metavar="NAME=VALUE", help="A metric to record; repeatable.")
@click.option("--intended-use", help="What the model is for, and for whom.")
@click.option("--limitations", help="Known limitations and out-of-scope uses.")
@click.option("--licence", help="The artefact's own licence (SPDX); default: the datasets' licences joined.")
@click.option(
    "--licence-link",
    help="URL (or file name next to the model) of the licence or agreement text; shown as HF license_link.",
)
@click.option(
    "--hub-id",
    metavar="NAMESPACE/NAME",
    help="The model's Hugging Face Hub repository id, when it is (or will be) published there: children "
    "carded with --parent get it as base_model.",
)
@click.option("--key-name", help="Sign with this key instead of your default one.")
@click.option("--overwrite", is_flag=True, help="Re-sign an artefact that already has a card.")
@click.option(
    "--no-verify-data", is_flag=True, help="Do not hash the datasets' files (they are not here); the card says so."
)
@data_options
@click.option("--dp-epsilon", type=float, help="Declare differential-privacy training: epsilon.")
@click.option("--dp-delta", type=float, help="Declare differential-privacy training: delta.")
@click.option(
    "--ssh/--no-ssh",
    default=None,
    help="Also write ARTEFACT.card.json (the signed statement) and ARTEFACT.card.sig, its SSH signature, for "
    "`ssh-keygen -Y verify -n prov-card@prov-cards.dev`. Default: as the artefact had before.",
)
@click.option(
    "--ssh-hash", type=click.Choice(["sha512", "sha256"]), default="sha512", show_default=True, help="With --ssh."
)
@click.option("--render", "render_only", is_flag=True, help="Re-render the existing signed card; sign nothing.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json", "hf", "cyclonedx", "spdx3"]),
    default="md",
    show_default=True,
    help="With --render: md (the rendered card), html, json (the signed statement), hf (a README.md for a "
    "Hugging Face model repository, with the signed envelope), cyclonedx (ML-BOM), spdx3 (SPDX 3.0.1 JSON-LD).",
)
@click.option(
    "--spec",
    type=click.Choice(["1.6", "1.7"]),
    help="With --format cyclonedx: the CycloneDX version (default 1.6; 1.7 adds the TLP distribution constraint).",
)
@click.option(
    "--key",
    "key_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --render: trust this public key (PEM) to verify the card; repeatable. Default: as prov verify.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --render: write to a file instead of stdout.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary of the signed card.")
def card(
    artefact: Path,
    datasets: tuple[str, ...],
    parents: tuple[Path, ...],
    relation: str,
    metrics: tuple[str, ...],
    intended_use: str | None,
    limitations: str | None,
    licence: str | None,
    licence_link: str | None,
    hub_id: str | None,
    key_name: str | None,
    overwrite: bool,
    no_verify_data: bool,
    render_only: bool,
    fmt: str,
    spec: str | None,
    key_files: tuple[Path, ...],
    output: Path | None,
    as_json: bool,
    train_file: Path | None,
    holdout_file: Path | None,
    population_file: Path | None,
    budget: str,
    target: str | None,
    dp_epsilon: float | None,
    dp_delta: float | None,
    trust_pickle: bool,
    ssh: bool | None,
    ssh_hash: str,
) -> None:
    """Sign the model card of ARTEFACT and render ARTEFACT.card.md.

    Writes ARTEFACT.prov.json (a DSSE envelope over an in-toto Statement) with the artefact's digest,
    what it is, the datasets' terms, code commit, parents and effective sharing terms; appends to
    .prov/ledger.jsonl. With an ECDSA key (the default) also writes ARTEFACT.sig, an OpenSSF
    model-signing signature (`model_signing verify key ARTEFACT --public_key KEY --signature ARTEFACT.sig`).
    With --render, re-renders an existing card without signing, once it verifies as `prov verify` would.
    """
    if not render_only and (fmt != "md" or spec is not None or output is not None or key_files):
        raise click.UsageError("--format, --spec, --key and --output go with --render (render an existing signed card)")
    if render_only:
        if as_json:
            raise click.UsageError("--render prints the card itself; for JSON use --render --format json, not --json")
        from ..api import card as api

        text = api.render_card(artefact, fmt, spec, key_files)
        if output is not None:
            from ..store.session import write_output

            write_output(output, text)
            say(f"wrote {output}")
        else:
            sys.stdout.write(text)
        return
    from ..card.request import CardRequest

    request = CardRequest(
        artefact,
        datasets=datasets,
        parents=parents,
        relation=relation,
        metrics=dict(parse_metric(m) for m in metrics),
        intended_use=intended_use,
        limitations=limitations,
        licence=licence,
        licence_link=licence_link,
        hub_id=hub_id,
        key_name=key_name,
        overwrite=overwrite,
        verify_data=not no_verify_data,
        trust_pickle=trust_pickle,
        dp_epsilon=dp_epsilon,
        dp_delta=dp_delta,
        ssh=ssh,
        ssh_hash=ssh_hash,
    )
    train, holdout, population = load_training_data(train_file, holdout_file, target, population_file)
    if train is not None:
        from dataclasses import replace

        request = replace(request, train=train, holdout=holdout, population=population, audit=budget)
    from ..card.inspection import Inspection

    with Inspection.start(request) as inspection:  # on another core, while the rest is imported
        from ..api import card as api

        with audit_progress(budget, holdout is not None, population is not None) as tick:
            result = api.sign_card(request, passphrase=prompt_passphrase, tick=tick, inspection=inspection)
    if as_json:
        emit_json(card_summary(result))
        return
    c = result.card
    t = c.effective_terms
    say(f"signed {result.card_file} (key {result.keyid[:16]}…)")
    say(f"rendered {result.rendered_file}")
    for path in result.companions:
        say(f"wrote {path}")
    for note in result.notes:
        say(f"  note       {note}")
    say(f"  artefact   {c.artefact.name} sha256 {c.artefact.sha256[:16]}… {c.artefact.estimator or c.artefact.format}")
    derivatives = t.derivatives.value if t.derivatives else "unrestricted"
    personal = "yes" if t.personal_data else "no"
    say(
        f"  terms      {t.confidentiality.value}, licence {t.licence or '—'}, derivatives {derivatives}, "
        f"personal data {personal}"
    )
    mem = c.privacy.memorisation
    say(f"  privacy    memorisation risk {mem.risk}: {mem.summary or mem.method}")  # method: why not assessed
    if c.privacy.membership_inference:
        mi = c.privacy.membership_inference
        top = mi.strongest()
        say(
            f"  audit      strongest membership attack: {top.attack}, advantage {top.advantage:.3f} "
            f"(95% CI up to {top.upper:.3f}); loss threshold {mi.advantage:.3f}"
        )
    unsafe = c.artefact.inspection.unsafe_reasons if c.artefact.inspection else []
    if unsafe:
        say(f"  WARNING    UNSAFE_PICKLE: loading it may run code: {'; '.join(unsafe[:3])}")


def card_summary(result: Any) -> dict[str, Any]:
    card = result.card
    return {
        "artefact": card.artefact.name,
        "sha256": card.artefact.sha256,
        "card": str(result.card_file),
        "rendered": str(result.rendered_file),
        "card_sha256": result.card_sha256,
        "keyid": result.keyid,
        "companions": [str(p) for p in result.companions],
        "notes": result.notes,
        "estimator": card.artefact.estimator,
        "effective_terms": card.effective_terms.model_dump(mode="json"),
        "membership": _membership(card.privacy.membership_inference),
    }


def _membership(mi: Any) -> dict[str, Any] | None:
    """The audit's two numbers a script acts on: the largest measured advantage and the verdict's bound."""
    if mi is None:
        return None
    top, bound = mi.strongest(), mi.bound()
    return {
        "budget": mi.budget,
        "strongest": {"attack": top.attack, "advantage": top.advantage},
        "verdict": {"attack": bound.attack, "upper": mi.verdict_bound(), "objections": mi.objections()},
        "not_run": mi.not_run,
    }
