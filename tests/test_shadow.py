"""The card's static analysis reads the parse built with stand-ins (no scikit-learn import); it must say
exactly what the same analysis says of the loaded model, for every estimator scikit-learn has."""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from benign_corpus import fitted_models

from provenance.analysis import memorisation
from provenance.analysis.pickles import rules, table
from provenance.analysis.pickles.build import BuildError, build, resolve_entry
from provenance.analysis.pickles.estimators import ESTIMATORS, generate
from provenance.analysis.pickles.judge import Verdict
from provenance.analysis.pickles.shadow import shadow_build
from provenance.analysis.safe_load import UnsafePickleError, inspect_pickle, load_model, shadow_parsed


@pytest.fixture(scope="module")
def models() -> list[tuple[str, object]]:
    warnings.filterwarnings("ignore")
    return list(fitted_models())


def _saves() -> list[tuple[str, object]]:
    return [
        (".joblib", lambda m, p: joblib.dump(m, p)),
        (".zlib.joblib", lambda m, p: joblib.dump(m, p, compress=("zlib", 3))),
        (".p2.pkl", lambda m, p: p.write_bytes(pickle.dumps(m, protocol=2))),
        (".p5.pkl", lambda m, p: p.write_bytes(pickle.dumps(m, protocol=5))),
    ]


def test_the_estimator_list_is_scikit_learns() -> None:
    assert set(generate()) == set(ESTIMATORS), "regenerate provenance/analysis/pickles/estimators.py"


def test_the_spelled_out_node_records_are_scikit_learns() -> None:
    from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE
    from sklearn.tree._tree import NODE_DTYPE

    for ours, theirs in (
        (rules.tree_node_dtype(), NODE_DTYPE),
        (rules.predictor_record_dtype(), PREDICTOR_RECORD_DTYPE),
    ):
        assert ours == theirs and ours.names == theirs.names and ours.descr == theirs.descr


def test_a_build_refuses_a_scikit_learn_whose_tree_record_differs(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sklearn.tree import DecisionTreeClassifier

    path = tmp_path / "t.joblib"
    joblib.dump(DecisionTreeClassifier(max_depth=2).fit(np.eye(4), [0, 1, 0, 1]), path)
    parse = inspect_pickle(path).parse
    monkeypatch.setattr("sklearn.tree._tree.NODE_DTYPE", np.dtype([("left_child", "<i8")]))
    with pytest.raises(BuildError, match="not the record"):
        build(parse, Verdict())
    with pytest.raises(BuildError, match="not the record"):
        resolve_entry(table.lookup("sklearn.tree._tree", "Tree"))


def test_static_analysis_of_the_parse_equals_that_of_the_loaded_model(models, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The differential: every fitted estimator (and the corpus extras), in joblib (plain and compressed)
    and pickle protocols 2 and 5, analysed from stand-ins and from the real load, and in memory."""
    warnings.filterwarnings("ignore")
    differ, compared = [], 0
    for name, model in models:
        in_memory = memorisation.analyse(model)
        for suffix, save in _saves():
            path = tmp_path / f"{name}{suffix}"
            save(model, path)  # type: ignore[operator]
            inspected = inspect_pickle(path)
            assert inspected.safe, (path.name, inspected.offenders()[:2])
            shadow = memorisation.analyse(shadow_parsed(path, inspected))
            loaded = memorisation.analyse(load_model(path))
            compared += 1
            if not (shadow == loaded == in_memory):
                differ.append(f"{path.name}: stand-ins {shadow} / loaded {loaded} / in memory {in_memory}")
            path.unlink()
    assert compared >= 200 * 4
    assert not differ, f"{len(differ)} differ: {differ[:3]}"


def _cases() -> dict[str, object]:
    from scipy import sparse
    from sklearn import cluster, ensemble, manifold, neighbors, pipeline, preprocessing, svm, tree

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4))
    y = (x[:, 0] > 0).astype(int)
    deep: object = preprocessing.StandardScaler().fit(x)
    for _ in range(14):  # below the analysis' depth limit: reported unknown, never assumed empty
        deep = pipeline.make_pipeline(deep)
    return {
        "knn on a sparse matrix": neighbors.KNeighborsClassifier(3).fit(sparse.csr_matrix(x), y),
        "knn kd_tree in a pipeline": pipeline.make_pipeline(
            preprocessing.StandardScaler(), neighbors.KNeighborsClassifier(3, algorithm="kd_tree")
        ).fit(x, y),
        "kernel density": neighbors.KernelDensity().fit(x),
        "isomap": manifold.Isomap(n_neighbors=5, n_components=2).fit(x),
        "tree with one-record leaves": tree.DecisionTreeClassifier().fit(x, y),
        "forest min leaf 5": ensemble.RandomForestClassifier(n_estimators=4, min_samples_leaf=5, random_state=0).fit(
            x, y
        ),
        "hist gradient boosting": ensemble.HistGradientBoostingClassifier(max_iter=4).fit(x, y),
        "svc": svm.SVC().fit(x, y),
        "dbscan without core samples": cluster.DBSCAN(eps=1e-9).fit(x),
        "birch": cluster.Birch(n_clusters=2).fit(x),
        "nested too deep": deep,
    }


@pytest.mark.parametrize("name", list(_cases()))
def test_the_cases_that_read_deep_inside_a_model_agree(name: str, tmp_path: Path) -> None:
    model = _cases()[name]
    path = tmp_path / "m.joblib"
    joblib.dump(model, path)
    inspected = inspect_pickle(path)
    shadow = memorisation.analyse(shadow_parsed(path, inspected))
    assert shadow == memorisation.analyse(load_model(path)) == memorisation.analyse(model)
    if name.startswith(("knn", "kernel", "isomap", "svc", "birch")):
        assert shadow.risk == "high" and shadow.findings[0].rows is not None
    if name == "forest min leaf 5":
        assert shadow.min_leaf_size is not None and shadow.min_leaf_size >= 5


def test_stand_ins_are_made_only_from_a_parse_the_judge_passed(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (print, ("pwned",))

    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"model": Evil()}))
    inspected = inspect_pickle(path)
    assert not inspected.safe
    with pytest.raises(UnsafePickleError):
        shadow_parsed(path, inspected)
    with pytest.raises(BuildError):
        shadow_build(inspected.parse, Verdict())  # type: ignore[arg-type]


def test_prov_card_without_train_imports_neither_scikit_learn_nor_scipy(project: Path) -> None:
    """What a user sees: a tree model's card, with its smallest leaf read from the parse, and no
    scikit-learn or scipy in the process that wrote it."""
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.default_rng(1)
    x = rng.normal(size=(80, 3))
    forest = RandomForestClassifier(n_estimators=3, min_samples_leaf=4, random_state=0).fit(x, x[:, 0] > 0)
    joblib.dump(forest, project / "forest.joblib")
    probe = (
        "import sys\n"
        "from provenance.cli.entry import main\n"
        "code = main(['card', 'forest.joblib', '--dataset', 'patients-2024'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy'))\n"
        "print('IMPORTED', bad[:5], file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "IMPORTED []" in r.stderr
    expected = memorisation.analyse(forest)
    assert expected.min_leaf_size is not None and expected.min_leaf_size >= 4
    card = (project / "forest.joblib.card.md").read_text()
    assert f"The smallest tree leaf holds {expected.min_leaf_size} records" in card


def _attackers_models() -> dict[str, object]:
    """Files the judge accepts that once read differently as stand-ins and as loaded models (a Bunch or a
    FrozenEstimator answers attributes through ``__getattr__``), crashed the analysis (a ``tree_`` that is
    no tree), or hid a k-NN where the walk did not look (six lists deep, in a set, as a dict key)."""
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.manifold import Isomap
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.tree import DecisionTreeClassifier
    from sklearn.utils import Bunch

    x, y = np.array([[0.0], [1.0], [2.0], [3.0]]), [0, 0, 1, 1]

    def lr(**extra: object) -> object:
        m = LogisticRegression().fit(x, y)
        vars(m).update(extra)
        return m

    def tree(tree_: object) -> object:
        t = DecisionTreeClassifier().fit(x, y)
        t.tree_ = tree_
        return t

    knn = KNeighborsClassifier(n_neighbors=1).fit(x, y)
    iso = Isomap(n_neighbors=2, n_components=1).fit(np.random.RandomState(0).rand(6, 2))
    iso.nbrs_ = FrozenEstimator(iso.nbrs_)
    return {
        "a Bunch with get_params and fit items": lr(extra=Bunch(get_params=1, fit=1)),
        "tree_ a Bunch of node arrays": tree(Bunch(children_left=np.array([-1]), n_node_samples=np.array([1]))),
        "tree_ a frozen tree": tree(FrozenEstimator(DecisionTreeClassifier().fit(x, y))),
        "tree_ a number": tree(3),
        "nbrs_ frozen": iso,
        "k-NN six lists deep": lr(extra=[[[[[[knn]]]]]]),
        "k-NN in a set": lr(extra={knn}),
        "k-NN as a dict key": lr(extra={knn: 1}),
    }


@pytest.mark.parametrize("name", list(_attackers_models()))
def test_the_attackers_models_read_alike_and_never_low(name: str, tmp_path: Path) -> None:
    model = _attackers_models()[name]
    path = tmp_path / "m.joblib"
    joblib.dump(model, path)
    inspected = inspect_pickle(path)
    assert inspected.safe, inspected.offenders()
    shadow = memorisation.analyse(shadow_parsed(path, inspected))
    assert shadow == memorisation.analyse(load_model(path)) == memorisation.analyse(model)
    assert shadow.risk != "low", shadow  # each holds training rows, or something prov cannot read


def test_the_classes_answering_through_getattr_are_the_ones_stand_ins_mirror() -> None:
    """A table class whose ``__getattr__`` serves attributes must have a stand-in that serves them alike;
    MetadataRequest's answers only fit_transform and fit_predict, which the analysis never reads."""
    import importlib

    from provenance.analysis.pickles.shadow import _GETATTR

    found = set()
    for entry in table.entries().values():
        if entry.module.split(".")[0] in ("sklearn", "scipy") and isinstance(entry.rule, rules.PlainObject):
            cls = getattr(importlib.import_module(entry.module), entry.name)
            if any("__getattr__" in vars(k) for k in cls.__mro__ if k not in (object, dict)):
                found.add(entry.qualname)
    assert found == set(_GETATTR) | {"sklearn.utils._metadata_requests.MetadataRequest"}
