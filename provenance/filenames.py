"""Every file name prov gives meaning to, in one place (stdlib only: the pre-commit hook reads it).

A reader looking for "what is `x.prov.json`" or "which files does a bundle hold" finds it here; the
modules that write or read those files import the names rather than spelling them again.
"""

PROV_DIR = ".prov"
CARD_SUFFIX = ".prov.json"  # the signed card beside an artefact (file or directory)
RENDERED_SUFFIX = ".card.md"  # the rendered card beside it
RECORD_NAME = "export.prov.json"  # the signed export record of a bundle
NOTICES_NAME = "LICENCE-NOTICES.md"  # licence notices that travel with a bundle
SIGNER_NAME = "signer.pub"  # the signers' public keys in a bundle (for the recipient's records)
MANIFEST_SUFFIXES = (".yaml", ".yml")  # .prov/datasets/NAME.yaml (or .yml)

# File names that are model artefacts unless `.prov/config.yaml` says otherwise (DESIGN.md); matched
# case-insensitively, as joblib and torch load `MODEL.JOBLIB` as readily as `model.joblib`.
# .ckpt and .bin: PyTorch / Lightning checkpoints and Hugging Face pytorch_model.bin are pickles.
DEFAULT_PATTERNS = (
    "*.joblib *.pkl *.pickle *.skops *.onnx *.safetensors *.pt *.pth *.ckpt *.bin *.h5 *.keras *.gguf"
).split()

# Top-level entries of a directory artefact that OpenSSF model_signing leaves out of its digest; we
# leave out the same so our root digest equals its subject digest. Being unsigned, they are named by
# verify, refused by check and by bundle verification, and never exported.
IGNORED_TOP_LEVEL = frozenset({".git", ".gitattributes", ".github", ".gitignore"})

# What may live under .prov/ (relative to it); anything else there blocks a commit.
PROV_FILES = ("config.yaml", "ledger.jsonl", ".gitignore", "keys/revocations.yaml")


def bundle_names(artefact_name: str) -> list[str]:
    """The files an export bundle of ``artefact_name`` holds; the export record is written last."""
    return [
        artefact_name,
        artefact_name + CARD_SUFFIX,
        artefact_name + RENDERED_SUFFIX,
        SIGNER_NAME,
        NOTICES_NAME,
        RECORD_NAME,
    ]
