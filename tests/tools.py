"""Outside tools the tests run for real (Graphviz `dot`, Chromium): skipped where missing on a
developer's machine, required where `.ci/run` installed them (PROV_REQUIRE_TOOLS=1), so CI never
passes by skipping the one check that reads our output with someone else's code."""

from __future__ import annotations

import os
import shutil

import pytest


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("PROV_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{tool} is required here (PROV_REQUIRE_TOOLS=1): install Debian's {package}")
        pytest.skip(f"{tool} not installed (Debian package {package}); .ci/run installs it")
    return path
