from __future__ import annotations

from pathlib import Path

import click

from ._output import audit_progress, data_options, emit_json, load_training_data, out, say


@click.command()
@click.argument("artefact", type=click.Path(path_type=Path))
@data_options
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML report with each attack's ROC curve (log-scale FPR).",
)
@click.option("--json", "as_json", is_flag=True)
def audit(
    artefact: Path,
    train_file: Path | None,
    holdout_file: Path | None,
    population_file: Path | None,
    budget: str,
    target: str | None,
    trust_pickle: bool,
    html_file: Path | None,
    as_json: bool,
) -> None:
    """Memorisation analysis and membership-inference audit of a scikit-learn model.

    Static: which fitted attributes hold training rows or values. With --train: how many training rows
    are stored verbatim. With --train and --holdout: membership attacks -- the loss threshold, RMIA
    with reference models re-fitted from the model's own estimator, and a learned black-box attack --
    each with ROC AUC, advantage, TPR at low FPR and bootstrap intervals; the anonymity verdict reads
    the strongest. Signs nothing: record the result with
    `prov card ARTEFACT --dataset NAME --train FILE --holdout FILE --overwrite`.
    """
    from ..api.audit import audit as run

    if html_file is not None and holdout_file is None:
        raise click.UsageError("--html draws the membership attacks' ROC curves: give --train and --holdout")
    train, holdout, population = load_training_data(train_file, holdout_file, target, population_file)
    with audit_progress(budget, holdout is not None, population is not None) as tick:
        privacy = run(
            artefact, train, holdout, trust_pickle=trust_pickle, budget=budget, population=population, tick=tick
        )
    if html_file is not None:
        from ..card.render import render_audit
        from ..store.session import write_output

        write_output(html_file, render_audit(artefact.name, privacy))
        say(f"wrote {html_file}")
    if as_json:
        emit_json(privacy.model_dump(mode="json"))
        return
    mem = privacy.memorisation
    out(f"memorisation risk: {mem.risk}  ({mem.method})")
    if mem.summary:
        out(f"  {mem.summary}")
    if mem.static:
        for f in mem.static.findings:
            rows = f" ({f.rows} rows)" if f.rows is not None else ""
            out(f"  static    {f.risk:7} {f.estimator}.{f.attribute}: {f.holds}{rows}")
        for u in mem.static.unknown_estimators:
            out(f"  static    unknown {u}: prov does not know what it keeps")
    if mem.empirical:
        e = mem.empirical
        out(
            f"  verbatim  {e.rows_found} of {e.rows_checked} training rows found, {e.values_found} category "
            f"values{': ' + '; '.join(e.where) if e.where else ''}"
        )
    mi = privacy.membership_inference
    if mi:
        out(
            f"membership inference ({mi.budget or 'loss threshold only'} audit; {mi.n_members} members, "
            f"{mi.n_nonmembers} non-members):"
        )
        rows = [(f"loss threshold ({mi.loss})", mi, mi.seconds)] + [(a.attack, a, a.seconds) for a in mi.attacks]
        for name, a, seconds in rows:
            took = f", {seconds:.1f} s" if seconds is not None else ""
            out(f"  {name}{took}")
            out(f"    ROC AUC    {a.auc:.3f}  (95% CI {a.auc_ci[0]:.3f}-{a.auc_ci[1]:.3f})")
            out(f"    advantage  {a.advantage:.3f}  (95% CI {a.advantage_ci[0]:.3f}-{a.advantage_ci[1]:.3f})")
            for fpr, tpr in sorted(a.tpr_at_fpr.items(), key=lambda kv: -float(kv[0])):
                ci = a.tpr_at_fpr_ci.get(fpr)
                interval = f"  (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else ""
                out(f"    TPR at FPR {fpr}: {'n/a' if tpr is None else f'{tpr:.3f}'}{interval}")
            for note in a.notes:
                out(f"    note: {note}")
        for note in mi.not_run:
            out(f"  not run: {note}")
        bound = mi.bound()
        out(
            f"  verdict: advantage at most {bound.upper:.3f} at 95% confidence, set by {bound.attack} "
            "(compared with policy.membership_advantage_max)"
        )
        for objection in mi.objections():
            out(f"  no anonymity claim rests on this audit: {objection}")
    elif train_file is None:
        out("no audit: give --train and --holdout to measure membership leakage")
