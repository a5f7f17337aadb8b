"""``.prov/config.yaml``: load and write the project policy."""

from __future__ import annotations

from ..model.config import Config
from . import atomic
from .repo import ProvRepo
from .yamlio import dump_yaml, load_model

HEADER = """\
# prov project policy. A commit is an export to this repository's audience.
# audience: public | internal | private. See schemas/config.schema.json.
"""


def load(repo: ProvRepo) -> Config:
    return load_model(Config, repo.config_file)


def save(repo: ProvRepo, config: Config) -> None:
    atomic.write_text(repo.config_file, HEADER + dump_yaml(config.model_dump(mode="json")))
