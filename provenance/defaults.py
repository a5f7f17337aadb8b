"""Defaults that the pre-commit hook's fast path needs without importing pydantic."""

# File names that are model artefacts unless `.prov/config.yaml` says otherwise (DESIGN.md).
DEFAULT_PATTERNS = ("*.joblib *.pkl *.pickle *.skops *.onnx *.safetensors *.pt *.pth *.h5 *.keras *.gguf").split()
