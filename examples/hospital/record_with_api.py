"""Record a model from a training script with prov's Python API: one call saves, analyses, signs.

Run it inside a prov repository where the dataset is registered (examples/hospital/run.sh does).
"""

from __future__ import annotations

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import provenance


def main() -> None:
    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)
    model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5)).fit(x_train, y_train)

    result = provenance.record(
        model,
        "knn.joblib",
        datasets=["patients-2024"],
        train=(x_train, y_train),
        holdout=(x_test, y_test),
        metrics={"accuracy": round(model.score(x_test, y_test), 4)},
        intended_use="Research on screening triage inside Acme Hospital.",
        limitations="k-NN keeps every training record: it is as confidential as the data.",
        overwrite=True,
    )
    privacy = result.card.privacy
    print(f"signed {result.card_file}: memorisation risk {privacy.memorisation.risk}")
    print(f"  {privacy.memorisation.summary}")

    print(f"verified: {provenance.verify('knn.joblib').verified}")
    loaded = provenance.load("knn.joblib")  # verify, then load through the construction policy
    same = (loaded.predict(x_test) == model.predict(x_test)).all()
    print(f"loaded back: {type(loaded).__name__}, same predictions: {same}")
    partner = provenance.Recipient(name="Analytics", org="Partner Lab", purpose="research", territory="DE")
    decision = provenance.decide_export("knn.joblib", recipient=partner)
    print(f"export to {partner.org}: {'allowed' if decision.allowed else 'refused'}")
    for reason in decision.reasons:
        print(f"  {reason.severity}: {reason.code}: {reason.message}")


if __name__ == "__main__":
    main()
