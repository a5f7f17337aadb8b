"""Pydantic models: the data prov reads, signs and decides on. No I/O here.

Loaded lazily: ``provenance.model.codes`` (stdlib) must not pull pydantic into `prov verify`.
"""

from __future__ import annotations

_LAZY = {
    "ModelCard": "card",
    "Statement": "card",
    "Config": "config",
    "DatasetManifest": "dataset",
    "DatasetTerms": "dataset",
    "Decision": "decision",
    "Reason": "decision",
    "Recipient": "decision",
    "Verification": "decision",
    "EffectiveTerms": "terms",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(name)
