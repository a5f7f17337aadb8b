"""Pydantic models: the data prov reads, signs and decides on. No I/O here."""

from .card import ModelCard, Statement
from .config import Config
from .dataset import DatasetManifest, DatasetTerms
from .decision import Decision, Reason, Recipient, Verification
from .terms import EffectiveTerms

__all__ = [
    "Config",
    "DatasetManifest",
    "DatasetTerms",
    "Decision",
    "EffectiveTerms",
    "ModelCard",
    "Reason",
    "Recipient",
    "Statement",
    "Verification",
]
