"""The acceptance story end to end: the model decides, the card carries it, export enforces it."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pytest
import yaml
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

PARTNER = ["--recipient", "Analytics", "--org", "Partner Lab", "--purpose", "research", "--territory", "DE"]


@pytest.fixture
def clinic(git_repo: Path, prov) -> Path:
    """Personal (non-special) data whose agreement allows sharing derivatives with Partner Lab."""
    assert prov("init", "--owner", "Acme Clinic").code == 0
    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
    header = ",".join([f"f{i}" for i in range(x.shape[1])] + ["diagnosis"])
    for name, xs, ys in (("train", x_tr, y_tr), ("holdout", x_te, y_te)):
        np.savetxt(git_repo / f"{name}.csv", np.c_[xs, ys], delimiter=",", header=header, comments="", fmt="%.10g")
    manifest = {
        "name": "visits",
        "version": "1",
        "origin": {"source": "clinic"},
        "owner": {"name": "Acme Clinic"},
        "licence": "LicenseRef-Visits-DUA",
        "confidentiality": "confidential",
        "agreements": [
            {
                "id": "DUA-9",
                "kind": "data-use-agreement",
                "counterparty": "Acme Clinic",
                "permits": {
                    "derivatives": "listed",
                    "recipients": ["Partner Lab"],
                    "commercial_use": False,
                    "purposes": ["research"],
                    "territories": ["EEA"],
                },
            }
        ],
        "personal_data": {
            "contains": True,
            "categories": ["contact", "visit_history"],
            "legal_basis": "legitimate_interests",
            "anonymisation": "pseudonymised",
        },
        "files": [{"path": "train.csv"}],
    }
    (git_repo / "visits.yaml").write_text(yaml.safe_dump(manifest))
    assert prov("dataset", "add", "--manifest", "visits.yaml").code == 0
    joblib.dump(make_pipeline(StandardScaler(), KNeighborsClassifier(3)).fit(x_tr, y_tr), git_repo / "knn.joblib")
    joblib.dump(make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(x_tr, y_tr), git_repo / "lr.joblib")
    return git_repo


def _card(prov, name: str) -> None:  # type: ignore[no-untyped-def]
    r = prov(
        "card", name, "--dataset", "visits", "--train", "train.csv", "--holdout", "holdout.csv", "--target", "diagnosis"
    )
    assert r.code == 0, r.err


def test_knn_is_refused_even_though_the_agreement_allows_sharing(clinic: Path, prov) -> None:
    _card(prov, "knn.joblib")
    r = prov("export", "knn.joblib", "--to", "out", *PARTNER, "--json")
    assert r.code == 1
    codes = {x["code"] for x in json.loads(r.out)["decision"]["reasons"] if x["severity"] == "block"}
    assert codes == {"PERSONAL_DATA_MEMORISED"}
    assert not (clinic / "out").exists()


def test_audited_logistic_regression_is_allowed(clinic: Path, prov) -> None:
    _card(prov, "lr.joblib")
    card = prov("card", "lr.joblib", "--render", "--format", "json").out
    privacy = json.loads(card)["predicate"]["privacy"]
    assert privacy["memorisation"]["risk"] == "low"
    assert privacy["memorisation"]["empirical"]["rows_found"] == 0
    assert privacy["membership_inference"]["advantage"] <= 0.1
    r = prov("export", "lr.joblib", "--to", "out", *PARTNER, "--json")
    assert r.code == 0, r.out
    warns = {x["code"] for x in json.loads(r.out)["decision"]["reasons"] if x["severity"] == "warn"}
    assert warns == set()  # no special categories, transfer inside the EEA: nothing left to warn about
    assert (clinic / "out" / "export.prov.json").is_file()


def test_unaudited_logistic_regression_is_refused_with_the_command_to_run(clinic: Path, prov) -> None:
    assert prov("card", "lr.joblib", "--dataset", "visits").code == 0
    r = prov("export", "lr.joblib", "--to", "out", *PARTNER, "--json")
    assert r.code == 1
    reasons = json.loads(r.out)["decision"]["reasons"]
    missing = [x for x in reasons if x["code"] == "PRIVACY_AUDIT_MISSING"]
    assert missing and "--train FILE --holdout FILE" in missing[0]["message"]


def test_rendered_card_says_it_plainly(clinic: Path, prov) -> None:
    _card(prov, "knn.joblib")
    text = (clinic / "knn.joblib.card.md").read_text()
    assert "This model stores 284 training rows verbatim in \\`_fit_X\\`" in text  # as text, not code
    assert "## Privacy" in text and "Membership inference" in text


def test_prov_audit_cli(clinic: Path, prov) -> None:
    r = prov("audit", "knn.joblib", "--train", "train.csv", "--holdout", "holdout.csv", "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["memorisation"]["risk"] == "high" and data["memorisation"]["empirical"]["rows_found"] == 284
    assert 0.0 <= data["membership_inference"]["auc"] <= 1.0
    r = prov("audit", "lr.joblib", "--train", "train.csv", "--holdout", "holdout.csv")
    assert r.code == 0 and "ROC AUC" in r.out and "TPR at FPR 0.001: n/a" in r.out
    r = prov("audit", "lr.joblib", "--train", "train.csv", "--target", "nope")
    assert r.code == 2 and "no column 'nope'" in r.err


def test_dp_declaration_is_recorded(clinic: Path, prov) -> None:
    r = prov("card", "lr.joblib", "--dataset", "visits", "--dp-epsilon", "3", "--dp-delta", "1e-5")
    assert r.code == 0, r.err
    privacy = json.loads(prov("card", "lr.joblib", "--render", "--format", "json").out)["predicate"]["privacy"]
    assert privacy["differential_privacy"] == {"epsilon": 3.0, "delta": 1e-05, "mechanism": None}
    r = prov("card", "lr.joblib", "--dataset", "visits", "--dp-epsilon", "-1", "--overwrite")
    assert r.code == 2 and "--dp-epsilon" in r.err
