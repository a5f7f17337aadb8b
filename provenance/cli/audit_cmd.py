from __future__ import annotations

from pathlib import Path

import click

from ._output import data_options, emit_json, load_training_data, out


@click.command()
@click.argument("artefact", type=click.Path(path_type=Path))
@data_options
@click.option("--json", "as_json", is_flag=True)
def audit(
    artefact: Path,
    train_file: Path | None,
    holdout_file: Path | None,
    target: str | None,
    trust_pickle: bool,
    as_json: bool,
) -> None:
    """Memorisation analysis and membership-inference audit of a scikit-learn model.

    Static: which fitted attributes hold training rows or values. With --train: how many training rows
    are stored verbatim. With --train and --holdout: the loss-threshold membership attack (ROC AUC,
    advantage, TPR at low FPR, bootstrap intervals). Signs nothing: record the result with
    `prov card ARTEFACT --dataset NAME --train FILE --holdout FILE --overwrite`.
    """
    from ..api.audit import audit as run

    train, holdout = load_training_data(train_file, holdout_file, target)
    privacy = run(artefact, train, holdout, trust_pickle=trust_pickle)
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
        out(f"membership inference ({mi.attack}, {mi.loss}; {mi.n_members} members, {mi.n_nonmembers} non-members):")
        out(f"  ROC AUC    {mi.auc:.3f}  (95% CI {mi.auc_ci[0]:.3f}-{mi.auc_ci[1]:.3f})")
        out(f"  advantage  {mi.advantage:.3f}  (95% CI {mi.advantage_ci[0]:.3f}-{mi.advantage_ci[1]:.3f})")
        for fpr, tpr in mi.tpr_at_fpr.items():
            out(f"  TPR at FPR {fpr}: {'n/a' if tpr is None else f'{tpr:.3f}'}")
        for note in mi.notes:
            out(f"  note: {note}")
    elif train_file is None:
        out("no audit: give --train and --holdout to measure membership leakage")
