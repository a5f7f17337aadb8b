"""Every file name prov gives meaning to, in one place (stdlib only: the pre-commit hook reads it).

A reader looking for "what is `x.prov.json`" or "which files does a bundle hold" finds it here; the
modules that write or read those files import the names rather than spelling them again.
"""

PROV_DIR = ".prov"
CARD_SUFFIX = ".prov.json"  # the signed card beside an artefact (file or directory)
RENDERED_SUFFIX = ".card.md"  # the rendered card beside it
OMS_SUFFIX = ".sig"  # the OpenSSF model-signing signature beside it (what `model_signing verify key` reads)
SSH_CARD_SUFFIX = ".card.json"  # with `prov card --ssh`: the signed statement, the exact DSSE payload bytes
SSH_SIG_SUFFIX = ".card.sig"  # ... and its SSH signature (`ssh-keygen -Y verify -n prov-card@prov-cards.dev`)
RECORD_NAME = "export.prov.json"  # the signed export record of a bundle
NOTICES_NAME = "LICENCE-NOTICES.md"  # licence notices that travel with a bundle
SIGNER_NAME = "signer.pub"  # the signers' public keys in a bundle (for the recipient's records)
REVOCATIONS_NAME = "revocations.dsse.json"  # the signed revocation list that travels in a bundle
MANIFEST_SUFFIXES = (".yaml", ".yml")  # .prov/datasets/NAME.yaml (or .yml)

# Every artefact format prov knows, by file suffix: (format, an artefact by default?). The default
# artefact patterns of `prov check` and the formats `prov card` inspects both come from this one table.
# .ckpt and .bin: PyTorch / Lightning checkpoints and Hugging Face pytorch_model.bin are pickles; .sav is
# the pickle suffix scikit-learn's own documentation uses. .npy/.npz are inspected but not artefacts by
# default (datasets use them): add them to `artefacts.patterns` if models ship as arrays.
FORMATS: dict[str, tuple[str, bool]] = {
    ".joblib": ("joblib", True),
    ".pkl": ("pickle", True),
    ".pickle": ("pickle", True),
    ".sav": ("pickle", True),
    ".skops": ("skops", True),
    ".onnx": ("onnx", True),
    ".safetensors": ("safetensors", True),
    ".pt": ("pytorch", True),
    ".pth": ("pytorch", True),
    ".ckpt": ("pytorch", True),
    ".bin": ("pytorch", True),
    ".h5": ("keras-h5", True),
    ".keras": ("keras", True),
    ".gguf": ("gguf", True),
    ".npy": ("numpy", False),
    ".npz": ("numpy-zip", False),
}

# File names that are model artefacts unless `.prov/config.yaml` says otherwise (DESIGN.md); matched
# case-insensitively, as joblib and torch load `MODEL.JOBLIB` as readily as `model.joblib`.
DEFAULT_PATTERNS = [f"*{suffix}" for suffix, (_, default) in FORMATS.items() if default]

# Top-level entries of a directory artefact that OpenSSF model_signing leaves out of its digest; we
# leave out the same so our root digest equals its subject digest. Being unsigned, they are named by
# verify, refused by check and by bundle verification, and never exported.
IGNORED_TOP_LEVEL = frozenset({".git", ".gitattributes", ".github", ".gitignore"})

# What may live under .prov/ (relative to it); anything else there blocks a commit.
PROV_FILES = ("config.yaml", "ledger.jsonl", ".gitignore", "keys/revocations.yaml", "withdrawals.jsonl")


def companion_names(artefact_name: str) -> list[str]:
    """The signatures prov card may write beside an artefact for tools other than prov: each is optional,
    each is rewritten or removed whenever the card is, so none outlives the card it speaks for."""
    return [artefact_name + OMS_SUFFIX, artefact_name + SSH_CARD_SUFFIX, artefact_name + SSH_SIG_SUFFIX]


def bundle_names(artefact_name: str) -> list[str]:
    """The files an export bundle of ``artefact_name`` may hold (the revocation list only when the
    repository has revocations, the companion signatures only when the card has them); the export
    record is written last."""
    return [
        artefact_name,
        artefact_name + CARD_SUFFIX,
        artefact_name + RENDERED_SUFFIX,
        *companion_names(artefact_name),
        SIGNER_NAME,
        NOTICES_NAME,
        REVOCATIONS_NAME,
        RECORD_NAME,
    ]
