"""The issue's five breast-cancer models on its 50/50 split (fixed seed), for the attack tests."""

from __future__ import annotations

from typing import Any

import numpy as np


def split_and_models() -> tuple[tuple[np.ndarray, ...], dict[str, tuple[Any, np.ndarray]]]:
    """((x_train, x_holdout, y_train, y_holdout), {name: (unfitted model, its training labels)}): a scaled
    SVC, a fully grown tree on 10% flipped labels, a random forest, a 1-NN, a scaled logistic regression."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)
    flipped = y_tr.copy()
    idx = np.random.default_rng(0).choice(len(y_tr), len(y_tr) // 10, replace=False)
    flipped[idx] = 1 - flipped[idx]
    models = {
        "svc": (make_pipeline(StandardScaler(), SVC(probability=True, random_state=0)), y_tr),
        "tree": (DecisionTreeClassifier(random_state=0), flipped),
        "rf": (RandomForestClassifier(random_state=0, n_jobs=1), y_tr),
        "1nn": (KNeighborsClassifier(1), y_tr),
        "lr": (make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), y_tr),
    }
    return (x_tr, x_te, y_tr, y_te), models
