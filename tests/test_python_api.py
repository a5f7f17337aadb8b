"""The Python API a training script uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import provenance
from provenance.errors import UsageError


def test_record_verify_decide(project: Path) -> None:
    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(x_tr, y_tr)
    result = provenance.record(
        model,
        "api-model.joblib",
        datasets=["patients-2024"],
        train=(x_tr, y_tr),
        holdout=(x_te, y_te),
        metrics={"accuracy": model.score(x_te, y_te)},
        intended_use="research",
    )
    card = result.card
    assert card.privacy.memorisation.risk == "low"
    assert card.privacy.membership_inference is not None and card.metrics["accuracy"] > 0.9
    assert (project / "api-model.joblib.card.md").is_file()

    v = provenance.verify("api-model.joblib")
    assert isinstance(v, provenance.Verification) and v.verified

    inside = provenance.Recipient(name="ML team", org="Acme Hospital", purpose="research", territory="DE")
    outside = provenance.Recipient(name="Sales", org="Globex", purpose="commercial", territory="US")
    assert provenance.decide_export("api-model.joblib", recipient=inside).allowed
    refused = provenance.decide_export("api-model.joblib", recipient=outside)
    assert not refused.allowed and "CONFIDENTIALITY_AUDIENCE" in {r.code for r in refused.reasons}

    with pytest.raises(UsageError, match="overwrite=True"):
        provenance.record(model, "api-model.joblib", datasets=["patients-2024"])


def test_record_skops(project: Path) -> None:
    x, y = load_breast_cancer(return_X_y=True)
    model = LogisticRegression(max_iter=5000).fit(x, y)
    result = provenance.record(model, "m.skops", datasets=["patients-2024"])
    assert result.card.artefact.format == "skops"
    assert result.card.privacy.memorisation.static is not None
    assert provenance.verify("m.skops").verified
