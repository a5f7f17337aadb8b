"""Issue 13, first part: the stronger membership attacks, on the breast-cancer split the issue names."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from breast_cancer_models import split_and_models
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

from provenance.analysis.attacks import learned_black_box, rmia_offline
from provenance.analysis.audit import membership_audit

warnings.filterwarnings("ignore")


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, float]]:
    (x_tr, x_te, _, y_te), models = split_and_models()
    out = {}
    for name, (model, labels) in models.items():
        model.fit(x_tr, labels)
        loss = membership_audit(model, x_tr, labels, x_te, y_te, bootstrap=20)
        rmia = rmia_offline(model, x_tr, labels, x_te, y_te, references=8, bootstrap=20)
        learned = learned_black_box(model, x_tr, labels, x_te, y_te, bootstrap=20)
        out[name] = {"loss": loss.auc, "rmia": rmia.auc, "learned": learned.auc, "rmia_distinct": rmia.distinct_scores}
    return out


def test_the_stronger_attacks_beat_the_loss_threshold_where_it_understates(results) -> None:  # type: ignore[no-untyped-def]
    # The figures: ART's learned attack reaches 0.585 +- 0.025 on the scaled SVC where the loss attack
    # says 0.512, and 0.625 on the fully grown tree where it says 0.584.
    strongest = {n: max(r["rmia"], r["learned"]) for n, r in results.items()}
    assert strongest["svc"] >= 0.585 - 0.025
    assert strongest["tree"] >= 0.625 - 0.025
    for name in ("svc", "tree", "rf", "1nn"):
        assert strongest[name] > results[name]["loss"], (name, results[name])
    assert strongest["lr"] < 0.56  # a regularised linear model stays near chance


def test_rmia_ranks_the_models_as_their_memorisation_does(results) -> None:  # type: ignore[no-untyped-def]
    rmia = {n: r["rmia"] for n, r in results.items()}
    assert rmia["rf"] > rmia["lr"] and rmia["tree"] > rmia["lr"] and rmia["1nn"] > rmia["lr"]
    assert all(r["rmia_distinct"] > 5 for r in results.values())


def test_scores_too_coarse_for_a_low_fpr_say_so() -> None:
    from provenance.analysis.attacks import score_attack

    members = np.r_[np.ones(500), np.zeros(500)]
    nonmembers = np.r_[np.ones(100), np.zeros(900)]
    r = score_attack("two values", members, nonmembers, bootstrap=0, started=0.0)
    assert r.distinct_scores == 2 and r.tpr_at_fpr["0.01"] is None
    assert any("the scores cannot place a threshold there (2 distinct values" in n for n in r.notes)
    assert r.tpr_at_fpr_ci == {}  # no interval for a TPR that is not given
    assert r.advantage == pytest.approx(0.4)


def test_budgets_run_every_attack_and_fall_back_when_the_model_cannot_be_refitted() -> None:
    from provenance.analysis.attacks import BUDGETS, run_attacks

    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
    results, notes = run_attacks(KNeighborsClassifier(3).fit(x_tr, y_tr), x_tr, y_tr, x_te, y_te, "quick")
    assert [r.attack.split(" (")[0] for r in results] == ["RMIA", "learned black-box"] and notes == []
    assert all(r.seconds >= 0 and r.n_members == len(y_tr) for r in results)
    # More neighbours than half the holdout has rows: the reference models cannot be built.
    big = KNeighborsClassifier(200).fit(x_tr, y_tr)
    results, notes = run_attacks(big, x_tr, y_tr, x_te, y_te, "quick")
    assert [r.attack.split(" (")[0] for r in results] == ["learned black-box"]
    assert notes and notes[0].startswith("RMIA not run")
    assert set(BUDGETS) == {"quick", "standard", "thorough"}
