"""The construction table, entry by entry, against the libraries installed.

Fails when a library release changes what the table reviewed: a class that gains (or changes) its
``__setstate__``, ``__reduce__`` or ``__new__``, a name that no longer exists, a value entry that has
become a class with custom construction. Then the table needs a new review, not a silent pass.
"""

from __future__ import annotations

import importlib
import warnings

import pytest

from provenance.analysis.pickles import rules, table
from provenance.analysis.pickles.build import _REVIEWED_NEW, _qualname, resolve_entry

ENTRIES = [e for e in table.entries().values() if not e.module.startswith("torch")]
PLAIN = [e for e in ENTRIES if isinstance(e.rule, rules.PlainObject)]
_OBJECT_REDUCE = {"object.__reduce__", "object.__reduce_ex__"}


def _live(entry: table.Entry) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(importlib.import_module(entry.module), entry.name)


def test_no_wildcards_every_entry_names_one_object() -> None:
    assert len(ENTRIES) > 500
    for e in ENTRIES:
        assert "*" not in e.qualname and e.name and "." not in e.name, e.qualname


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.qualname)
def test_every_entry_exists_here(entry: table.Entry) -> None:
    _live(entry)


@pytest.mark.parametrize("entry", PLAIN, ids=lambda e: e.qualname)
def test_plain_classes_restore_state_only_as_reviewed(entry: table.Entry) -> None:
    """``cls.__new__(cls)`` then the reviewed ``__setstate__``: anything else needs a new review."""
    cls = _live(entry)
    assert isinstance(cls, type)
    resolve_entry(entry)  # the same check the loader makes at run time (setstate and __new__)
    assert _qualname(cls.__new__) in _REVIEWED_NEW
    for method in ("__reduce__", "__reduce_ex__"):
        assert _qualname(getattr(cls, method)) in _OBJECT_REDUCE, f"{entry.qualname}.{method} is not reviewed"


def test_reviewed_setstates_are_the_ones_read() -> None:
    """Every __setstate__ the table admits was read for side effects; the list is short on purpose."""
    reviewed = {e.setstate for e in PLAIN if e.setstate}
    assert reviewed == {
        table.BASE_ESTIMATOR_SETSTATE,
        "sklearn.isotonic.IsotonicRegression.__setstate__",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor.__setstate__",
        "sklearn.utils._bunch.Bunch.__setstate__",
        "scipy.sparse._coo.coo_matrix.__setstate__",
    }


def test_a_changed_setstate_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a library upgrade that adds a __setstate__ looks like to the loader: refused."""
    from sklearn.linear_model import _logistic

    from provenance.analysis.pickles.build import BuildError

    entry = table.lookup("sklearn.linear_model._logistic", "LogisticRegression")
    assert entry is not None

    def __setstate__(self, state):  # type: ignore[no-untyped-def]
        self.__dict__.update(state)

    monkeypatch.setattr(_logistic.LogisticRegression, "__setstate__", __setstate__)
    with pytest.raises(BuildError, match="not the reviewed"):
        resolve_entry(entry)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.rule is table.VALUE], ids=lambda e: e.qualname)
def test_values_are_values(entry: table.Entry) -> None:
    """A value entry is a type, a ufunc or a plain function: referring to it runs nothing."""
    import types

    import numpy as np

    obj = _live(entry)
    assert isinstance(obj, type | np.ufunc | types.FunctionType | types.BuiltinFunctionType) or callable(obj)


def test_every_sklearn_class_with_its_own_setstate_is_refused_or_reviewed() -> None:
    """Classes that restore state with their own code (ScoringMonitor opens sockets) are not admitted
    unless a rule or a reviewed setstate covers them."""
    import pkgutil

    import sklearn

    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for mod in pkgutil.walk_packages(sklearn.__path__, "sklearn."):
            if ".tests" in mod.name or "externals" in mod.name:
                continue
            try:
                module = importlib.import_module(mod.name)
            except Exception:
                continue
            for name, obj in vars(module).items():
                if isinstance(obj, type) and obj.__module__ == mod.name and "__setstate__" in vars(obj):
                    found.append((mod.name, name))
    assert ("sklearn.callback._scoring_monitor", "ScoringMonitor") in found
    for key in found:
        entry = table.lookup(*key)
        if entry is not None and isinstance(entry.rule, rules.PlainObject):
            assert entry.setstate, f"{key}: admitted without a reviewed __setstate__"
