"""Defaults that the pre-commit hook's fast path needs without importing pydantic."""

# File names that are model artefacts unless `.prov/config.yaml` says otherwise (DESIGN.md).
# .ckpt and .bin: PyTorch / Lightning checkpoints and Hugging Face pytorch_model.bin are pickles.
DEFAULT_PATTERNS = (
    "*.joblib *.pkl *.pickle *.skops *.onnx *.safetensors *.pt *.pth *.ckpt *.bin *.h5 *.keras *.gguf"
).split()
