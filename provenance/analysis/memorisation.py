"""Static memorisation check: estimators known to store training rows or individual values verbatim.

This is the static half of the assessment (DESIGN.md, "Memorisation and leakage"); the empirical scan
of fitted arrays comes with the full privacy analysis.
"""

from __future__ import annotations

# class name -> what it holds verbatim
VERBATIM_HOLDERS = {
    "KNeighborsClassifier": "training rows (_fit_X)",
    "KNeighborsRegressor": "training rows (_fit_X)",
    "RadiusNeighborsClassifier": "training rows (_fit_X)",
    "RadiusNeighborsRegressor": "training rows (_fit_X)",
    "NearestNeighbors": "training rows (_fit_X)",
    "KNeighborsTransformer": "training rows (_fit_X)",
    "RadiusNeighborsTransformer": "training rows (_fit_X)",
    "KNNImputer": "training rows (_fit_X)",
    "LocalOutlierFactor": "training rows (_fit_X)",
    "KernelDensity": "training rows (tree_)",
    "SVC": "support vectors (support_vectors_)",
    "NuSVC": "support vectors (support_vectors_)",
    "SVR": "support vectors (support_vectors_)",
    "NuSVR": "support vectors (support_vectors_)",
    "OneClassSVM": "support vectors (support_vectors_)",
    "GaussianProcessClassifier": "training rows (X_train_)",
    "GaussianProcessRegressor": "training rows (X_train_)",
    "KernelRidge": "training rows (X_fit_)",
    "KernelPCA": "training rows (X_fit_)",
    "LabelPropagation": "training rows (X_)",
    "LabelSpreading": "training rows (X_)",
    "DBSCAN": "core samples (components_)",
    "HDBSCAN": "training rows (_raw_data)",
    "AffinityPropagation": "real samples as cluster centres (cluster_centers_)",
    "Nystroem": "sampled training rows (components_)",
    "Isomap": "training rows (nbrs_)",
    "LocallyLinearEmbedding": "training rows (nbrs_)",
    "TSNE": "one output row per training record (embedding_)",
    "SpectralEmbedding": "one output row per training record (embedding_)",
    "OneHotEncoder": "category values seen in training (categories_)",
    "OrdinalEncoder": "category values seen in training (categories_)",
    "TargetEncoder": "category values seen in training (categories_)",
    "LabelEncoder": "label values (classes_)",
    "CountVectorizer": "vocabulary from training text (vocabulary_, stop_words_)",
    "TfidfVectorizer": "vocabulary from training text (vocabulary_, stop_words_)",
    "MinMaxScaler": "one record's extreme values (data_min_, data_max_)",
    "RobustScaler": "individual quantile values (center_, scale_)",
    "QuantileTransformer": "individual quantile values (quantiles_)",
    "KBinsDiscretizer": "individual values as bin edges (bin_edges_)",
}


def static_findings(components: list[str]) -> list[str]:
    """One line per estimator class in the artefact that is known to hold training data verbatim."""
    out = []
    for qualname in components:
        short = qualname.rsplit(".", 1)[-1]
        if short in VERBATIM_HOLDERS and qualname.startswith("sklearn."):
            out.append(f"{short} stores {VERBATIM_HOLDERS[short]}")
    return out
