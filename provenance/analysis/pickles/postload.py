"""The structural checks again, on objects something else loaded (skops): trees, neighbour trees,
sparse matrices, splines. A pickle loaded by prov was checked on its parse; skops builds objects
itself, so what it built is checked before anyone can call ``predict`` on it."""

from __future__ import annotations

from typing import Any

from . import rules
from .values import NotValid

_MAX_OBJECTS = 1_000_000


def validate(obj: Any) -> None:
    """Raise NotValid naming the first object whose arrays would index outside themselves."""
    seen: set[int] = set()
    todo = [obj]
    while todo:
        value = todo.pop()
        if id(value) in seen or isinstance(value, str | bytes | int | float | bool | type(None)):
            continue
        seen.add(id(value))
        if len(seen) > _MAX_OBJECTS:
            raise NotValid("more objects than a model holds")
        _check(value)
        if isinstance(value, dict):
            todo.extend(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            todo.extend(value)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            todo.extend(vars(value).values())


def _check(value: Any) -> None:
    module, name = type(value).__module__, type(value).__name__
    try:
        if module == "sklearn.tree._tree" and name == "Tree":
            rules.tree_arrays(value.n_features, value.n_classes, value.n_outputs, value.__getstate__())
        elif module in ("sklearn.neighbors._kd_tree", "sklearn.neighbors._ball_tree"):
            rules.binary_tree_state(value.__getstate__(), None)  # type: ignore[arg-type]
        elif name == "TreePredictor":
            rules.tree_predictor_state(dict(vars(value)))
        elif module.startswith("scipy.sparse") and name[:3] in ("csr", "csc", "coo"):
            rules.sparse_state(name[:3])(dict(vars(value)))
        elif module == "scipy.interpolate._bsplines" and name == "BSpline":
            rules.bspline_state(dict(vars(value)))
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise NotValid(f"{module}.{name}: {e}") from None
    except NotValid as e:
        raise NotValid(f"{module}.{name}: {e}") from None
