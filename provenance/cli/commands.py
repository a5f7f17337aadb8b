"""The command table and the top-level help, without click: `prov --help` prints it in a few
milliseconds (click's import alone costs twice a bare Python start). ``cli.main`` builds the click group
from the same table, and a test keeps the two help texts equal."""

from __future__ import annotations

COMMANDS = {
    "init": ("provenance.cli.init_cmd", "init", "Set up .prov/ here, with a signing key you trust."),
    "key": ("provenance.cli.key_cmd", "key", "Generate, list, trust, revoke and export signing keys."),
    "dataset": ("provenance.cli.dataset_cmd", "dataset", "Register, show, list and check dataset manifests."),
    "card": ("provenance.cli.card_cmd", "card", "Sign (or re-render) the model card of an artefact."),
    "audit": ("provenance.cli.audit_cmd", "audit", "Analyse what a model memorises and audit membership leakage."),
    "verify": ("provenance.cli.verify_cmd", "verify", "Verify an artefact's signed card (what recipients run)."),
    "export": ("provenance.cli.export_cmd", "export", "Export an artefact to a recipient if its terms allow it."),
    "push": (
        "provenance.cli.registry_cmd",
        "push",
        "Push an artefact to an OCI registry if its terms allow it.",
    ),
    "pull": ("provenance.cli.registry_cmd", "pull", "Download an artefact from an OCI registry once it verifies."),
    "check": (
        "provenance.cli.check_cmd",
        "check",
        "Check staged artefacts and data against the repository's audience.",
    ),
    "lineage": (
        "provenance.cli.lineage_cmd",
        "lineage",
        "Show what an artefact was made from, or what a dataset went into.",
    ),
    "erasure": (
        "provenance.cli.erasure_cmd",
        "erasure",
        "Find one person's records in every artefact made from a dataset.",
    ),
    "status": (
        "provenance.cli.status_cmd",
        "status",
        "Every artefact's state, where it may go, and what needs action.",
    ),
    "log": ("provenance.cli.log_cmd", "log", "Show or verify the signed ledger of cards and exports."),
}

_USAGE = """Usage: prov [OPTIONS] COMMAND [ARGS]...

  prov: signed provenance and licensing cards for trained ML artefacts.

  Records where each training dataset came from, under which licence,
  agreements and GDPR basis, signs it with the artefact's digest, and lets
  recipients verify it. Exit codes: 0 ok, 1 a check failed, 2 bad input, 3
  internal error (PROV_DEBUG=1 shows the traceback).

Options:
  --version   Show the version and exit.
  -h, --help  Show this message and exit.

Commands:
"""


def top_help() -> str:
    width = max(len(name) for name in COMMANDS)
    return _USAGE + "".join(f"  {name.ljust(width)}  {help_}\n" for name, (_, _, help_) in COMMANDS.items())
