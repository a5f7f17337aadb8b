"""A repository with three generations of artefacts over four datasets, for the governance tests and
benchmarks (issue 12): one NDA-bound, one with personal data, one public, one non-commercial, and one
directory artefact.

    patients (personal, health) ──> gen1/knn.joblib (scaled 1-NN: holds rows) ──┐
                                └─> gen1/logreg.joblib (scaled LR, audited) ─────┴─> gen2/ensemble.joblib (merge)
    iris-public (CC0) ─┬─> gen1/base.joblib (LR) ──> gen2/finetuned.joblib ──┐
    reviews-nc (NC) ───┘                client-nda ──┘                          ├─> gen3/distilled.joblib
    client-nda (NDA) ────> gen1/encoder/ (directory) ───────────────────────────┘ (adapters)

Every artefact is signed by the real CLI with a real key; the patient models carry the membership audit.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

TODAY = dt.date.today()

MANIFESTS = {
    "patients": f"""
name: patients
version: "1"
origin: {{source: Acme Hospital EHR export}}
owner: {{name: Acme Hospital, contact: dpo@acme-hospital.example}}
licence: LicenseRef-Acme-DUA
confidentiality: confidential
agreements:
  - id: DUA-1
    kind: data-use-agreement
    counterparty: Acme Hospital
    signed: 2024-02-01
    expires: {TODAY.replace(year=TODAY.year + 2).isoformat()}
    permits: {{derivatives: internal, recipients: [], commercial_use: false, purposes: [research], territories: [EU]}}
personal_data:
  contains: true
  categories: [health]
  legal_basis: consent
  special_category_condition: explicit_consent
  anonymisation: pseudonymised
  transfer_outside_eea: false
files: [{{path: data/patients-train.csv}}]
""",
    "client-nda": f"""
name: client-nda
version: "2"
origin: {{source: Northwind Bank data room}}
owner: {{name: Northwind Bank}}
licence: LicenseRef-Northwind-NDA
confidentiality: confidential
agreements:
  - id: NDA-7
    kind: nda
    counterparty: Northwind Bank
    signed: 2025-01-01
    expires: {TODAY.replace(year=TODAY.year + 1).isoformat()}
    permits: {{derivatives: internal, recipients: [Northwind Bank], commercial_use: true}}
personal_data: {{contains: false}}
files: [{{path: data/client.csv}}]
""",
    "iris-public": """
name: iris-public
version: "1"
origin: {source: UCI Machine Learning Repository}
owner: {name: UCI}
licence: CC0-1.0
confidentiality: public
personal_data: {contains: false}
files: [{path: data/iris.csv}]
""",
    "reviews-nc": """
name: reviews-nc
version: "1"
origin: {source: Review Corpus Project}
owner: {name: Review Corpus Project}
licence: CC-BY-NC-4.0
confidentiality: public
personal_data: {contains: false}
files: [{path: data/reviews.csv}]
""",
}

# artefact -> (datasets, parents with relation, needs an audit)
CARDS: list[tuple[str, list[str], list[tuple[str, str]], bool]] = [
    ("gen1/knn.joblib", ["patients"], [], True),
    ("gen1/logreg.joblib", ["patients"], [], True),
    ("gen1/base.joblib", ["iris-public", "reviews-nc"], [], False),
    ("gen1/encoder", ["client-nda"], [], False),
    ("gen2/finetuned.joblib", ["client-nda"], [("gen1/base.joblib", "finetune")], False),
    ("gen2/ensemble.joblib", [], [("gen1/knn.joblib", "merge"), ("gen1/logreg.joblib", "merge")], False),
    ("gen3/distilled.joblib", [], [("gen2/finetuned.joblib", "adapter"), ("gen1/encoder", "adapter")], False),
]

# What `--affected-by` must say: dataset -> {artefact: (depth, action)}
AFFECTED = {
    "patients": {
        "gen1/knn.joblib": (1, "retrain or delete"),
        "gen1/logreg.joblib": (1, "review"),
        "gen2/ensemble.joblib": (2, "retrain or delete"),
    },
    "client-nda": {
        "gen1/encoder": (1, "retrain or delete"),
        "gen2/finetuned.joblib": (1, "review"),
        "gen3/distilled.joblib": (2, "review"),
    },
    "iris-public": {
        "gen1/base.joblib": (1, "review"),
        "gen2/finetuned.joblib": (2, "review"),
        "gen3/distilled.joblib": (3, "review"),
    },
    "reviews-nc": {
        "gen1/base.joblib": (1, "review"),
        "gen2/finetuned.joblib": (2, "review"),
        "gen3/distilled.joblib": (3, "review"),
    },
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def write_tables(root: Path) -> None:
    """Real tables: 3,000 patient rows split in halves for the patient models (enough for a membership audit
    to show a regularised linear model anonymous at the 95% bound: breast cancer's 569 rows are not), small
    others."""
    import numpy as np
    from sklearn.datasets import load_iris, make_classification

    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    x, y = make_classification(n_samples=3000, n_features=30, n_informative=8, flip_y=0.05, random_state=7)
    rng = np.random.default_rng(7)
    order = rng.permutation(len(y))
    half = len(y) // 2
    header = ",".join(f"f{i}" for i in range(x.shape[1])) + ",target"
    for name, idx in (("patients-train.csv", order[:half]), ("patients-holdout.csv", order[half:])):
        rows = [",".join(repr(float(v)) for v in x[i]) + f",{int(y[i])}" for i in idx]
        (data / name).write_text(header + "\n" + "\n".join(rows) + "\n")
    xi, yi = load_iris(return_X_y=True)
    (data / "iris.csv").write_text(
        "a,b,c,d,target\n" + "\n".join(",".join(map(str, r)) + f",{t}" for r, t in zip(xi, yi, strict=True)) + "\n"
    )
    (data / "client.csv").write_text("balance,default\n1200,0\n80,1\n")
    (data / "reviews.csv").write_text("text,stars\ngood,5\nbad,1\n")


def train_models(root: Path) -> None:
    import joblib
    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    table = np.loadtxt(root / "data" / "patients-train.csv", delimiter=",", skiprows=1)
    x, y = table[:, :-1], table[:, -1].astype(int)
    for d in ("gen1", "gen2", "gen3"):
        (root / d).mkdir(exist_ok=True)
    knn = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=1)).fit(x, y)
    logreg = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=2000)).fit(x, y)
    joblib.dump(knn, root / "gen1" / "knn.joblib")
    joblib.dump(logreg, root / "gen1" / "logreg.joblib")
    xi, yi = load_iris(return_X_y=True)
    joblib.dump(LogisticRegression(max_iter=500).fit(xi, yi), root / "gen1" / "base.joblib")
    joblib.dump(LogisticRegression(max_iter=500, C=0.5).fit(xi, yi), root / "gen2" / "finetuned.joblib")
    joblib.dump(LogisticRegression(max_iter=500, C=0.1).fit(xi, yi), root / "gen3" / "distilled.joblib")
    joblib.dump(
        make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=3)).fit(x, y),
        root / "gen2" / "ensemble.joblib",
    )
    encoder = root / "gen1" / "encoder"
    encoder.mkdir()
    np.save(encoder / "weights.npy", np.arange(64, dtype=np.float32).reshape(8, 8))
    (encoder / "config.json").write_text('{"dim": 8}\n')


def build(root: Path, prov: Callable[..., object]) -> None:
    """Make the repository at ``root`` (a new directory) with ``prov(*args)`` returning an object with
    ``code``/``err`` (the tests' in-process runner)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    old = Path.cwd()
    os.chdir(root)
    try:
        _check(prov("init", "--owner", "Acme Hospital"))
        write_tables(root)
        train_models(root)
        for name, text in MANIFESTS.items():
            (root / f"{name}.yaml").write_text(text)
            _check(prov("dataset", "add", "--manifest", f"{name}.yaml"))
            (root / f"{name}.yaml").unlink()
        for artefact, datasets, parents, audit in CARDS:
            args = ["card", artefact]
            for d in datasets:
                args += ["--dataset", d]
            for p, _ in parents:
                args += ["--parent", p]
            if parents:
                args += ["--relation", parents[0][1]]  # one relation per card
            if audit:
                args += ["--train", "data/patients-train.csv", "--holdout", "data/patients-holdout.csv"]
            _check(prov(*args))
        git(root, "add", "-A")
        git(root, "commit", "-q", "--no-verify", "-m", "three generations")
    finally:
        os.chdir(old)


def _check(result: object) -> None:
    code = getattr(result, "code", None)
    if code != 0:
        raise AssertionError(f"prov failed ({code}): {getattr(result, 'err', '')}")
