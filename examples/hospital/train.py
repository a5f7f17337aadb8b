"""Train the example model: a scaled logistic regression on the 'patient' records.

Writes data/patients.csv (the dataset the manifest describes), data/train.csv and data/holdout.csv (the
split, for the privacy audit) and model.joblib into the current directory, and prints the test
accuracy as NAME=VALUE for `prov card --metric`.
"""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def main() -> None:
    data = load_breast_cancer()
    Path("data").mkdir(exist_ok=True)
    header = ",".join([name.replace(" ", "_") for name in data.feature_names] + ["diagnosis"])
    table = np.column_stack([data.data, data.target])
    np.savetxt("data/patients.csv", table, delimiter=",", header=header, comments="", fmt="%.6g")
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.25, random_state=0, stratify=data.target
    )
    for name, xs, ys in (("train", x_train, y_train), ("holdout", x_test, y_test)):
        np.savetxt(f"data/{name}.csv", np.column_stack([xs, ys]), delimiter=",", header=header, comments="", fmt="%.6g")
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000))
    model.fit(x_train, y_train)
    joblib.dump(model, "model.joblib")
    print(f"accuracy={model.score(x_test, y_test):.4f}")


if __name__ == "__main__":
    main()
