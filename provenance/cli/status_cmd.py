"""`prov status`: parse, call the use case, render."""

from __future__ import annotations

from pathlib import Path

import click

from ._output import emit_json, out, say


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="The whole report as JSON (schemas/status.schema.json).")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML page: the artefact table, each artefact's lineage and its "
    "membership-audit ROC curve, for readers who never open a terminal.",
)
def status(as_json: bool, html_file: Path | None) -> None:
    """Every artefact with its card state (valid, stale, unsigned, untrusted, revoked signer), effective
    confidentiality, who it may go to, and open warnings: retention passed, an agreement expiring within
    30 days, an embargo ending, a withdrawn dataset, changed dataset files.

    Exit 1 when something needs action, so it can run as a scheduled CI job."""
    from ..api.status import status as run
    from ..textsafe import shown

    report = run(pictures=html_file is not None)
    if html_file is not None:
        from ..card.render import render_status
        from ..pictures import lineage_svg, roc_svg
        from ..store.session import write_output

        pictures = {a.artefact: lineage_svg(a.lineage) for a in report.artefacts if a.lineage is not None}
        rocs = {a.artefact: roc_svg(a.audit) for a in report.artefacts if a.audit is not None}
        write_output(html_file, render_status(report, _markup(pictures), _markup(rocs)))
    if as_json:
        emit_json(report.model_dump(mode="json", exclude={"artefacts": {"__all__": {"lineage"}}}))
    else:
        for a in report.artefacts:
            go = ", ".join(a.may_go_to) or "nobody"
            mark = "!" if a.needs_action else " "
            out(f"{mark} {shown(a.artefact)}: {a.state}, {a.confidentiality or '—'}; may go to: {go}")
            for r in a.reasons:
                if r.severity == "block" or r.code in _attention():
                    out(f"    {r.severity} {r.code}: {shown(r.message)}")
        for d in report.datasets:
            mark = "!" if d.needs_action else " "
            head = f"{mark} dataset {shown(d.name)} v{d.version}" + (
                f" (withdrawn: {d.withdrawn})" if d.withdrawn else ""
            )
            out(head)
            for r in d.reasons:
                out(f"    {r.severity} {r.code}: {shown(r.message)}")
        for p in report.problems:
            out(f"! {shown(p)}")
        n = sum(a.needs_action for a in report.artefacts) + sum(d.needs_action for d in report.datasets)
        n += len(report.problems)
        say(f"prov status: {n} need action" if report.needs_action else "prov status: nothing needs action")
        if html_file is not None:
            say(f"wrote {html_file}")
    if report.needs_action:
        raise SystemExit(1)


def _attention() -> frozenset[str]:
    from ..model.codes import ATTENTION

    return ATTENTION


def _markup(items: dict[str, str]) -> dict[str, object]:
    from markupsafe import Markup

    return {k: Markup(v) for k, v in items.items()}  # built by pictures.py from escaped labels
