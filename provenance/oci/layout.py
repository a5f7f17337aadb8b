"""How a carded artefact is laid out in an OCI registry, and how prov reads that layout back.

The model is an OCI image manifest in the CNCF ModelPack shape (``artifactType``
``application/vnd.cncf.model.manifest.v1+json``): one uncompressed layer per file, so each layer's
digest is the sha256 the card signed for that file, with the file's path in the layer annotations.
What prov signs travels beside it as referrers (manifests whose ``subject`` is the model's manifest,
as cosign attestations do): the card (the DSSE envelope as the one layer), the OpenSSF model-signing
bundle and the export record of each push, each under its own ``artifactType``.

Everything here is bytes in, values out: no network. The registry is untrusted, so a manifest is read
strictly (schema, media types, sizes, safe relative paths) and what it says counts only once the card
-- verified under keys the reader trusts -- says the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .client import INDEX, MANIFEST, MANIFEST_LIMIT

MODEL_ARTIFACT = "application/vnd.cncf.model.manifest.v1+json"
MODEL_CONFIG = "application/vnd.cncf.model.config.v1+json"
WEIGHT_RAW = "application/vnd.cncf.model.weight.v1.raw"
CARD_ARTIFACT = "application/vnd.prov-cards.card.v1+json"
RECORD_ARTIFACT = "application/vnd.prov-cards.export-record.v1+json"
OMS_ARTIFACT = "application/vnd.dev.sigstore.bundle.v0.3+json"
DSSE_LAYER = "application/vnd.dsse.envelope.v1+json"
EMPTY = "application/vnd.oci.empty.v1+json"
EMPTY_BYTES = b"{}"
EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

TITLE = "org.opencontainers.image.title"
CREATED = "org.opencontainers.image.created"
FILEPATH = "org.cncf.model.filepath"
NAME = "dev.prov-cards.artefact.name"
KIND = "dev.prov-cards.artefact.kind"

# What each referrer type carries: its layer's media type and the most bytes prov reads from it.
REFERRER_LAYERS = {CARD_ARTIFACT: DSSE_LAYER, RECORD_ARTIFACT: DSSE_LAYER, OMS_ARTIFACT: OMS_ARTIFACT}
SIGNED_BLOB_LIMIT = 16 << 20


class LayoutError(ValueError):
    """A manifest that is not the layout prov writes (or a path that could leave the target directory)."""


@dataclass(frozen=True)
class Layer:
    path: str  # relative path inside a directory artefact; the artefact's name for a file
    digest: str
    size: int


@dataclass(frozen=True)
class ModelManifest:
    name: str
    kind: str  # "file" | "directory"
    layers: tuple[Layer, ...]

    @property
    def content(self) -> tuple[str, dict[str, str] | None]:
        """(sha256, files) as ``digest.content`` gives them for the same artefact on disk."""
        from ..digest import root_digest

        if self.kind == "file":
            return self.layers[0].digest[7:], None
        files = {layer.path: layer.digest[7:] for layer in self.layers}
        return root_digest(list(files.items())), files


def descriptor(media_type: str, digest: str, size: int, **extra: Any) -> dict[str, Any]:
    return {"mediaType": media_type, "digest": digest, "size": size, **{k: v for k, v in extra.items() if v}}


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def model_config(name: str, layers: list[Layer]) -> bytes:
    """The ModelPack config: the descriptor and the layers' uncompressed digests (here: the layers')."""
    return dumps(
        {
            "descriptor": {"name": name},
            "config": {},
            "modelfs": {"type": "layers", "diffIds": [layer.digest for layer in layers]},
        }
    )


def model_manifest(name: str, kind: str, layers: list[Layer], config: tuple[str, int]) -> bytes:
    """The model's manifest: a function of the files alone (no time, nothing from the card), so the same
    weights always have the same digest and a re-signed card becomes one more referrer of it -- which
    is how a child that pinned the parent sees that the parent was re-signed."""
    return dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "artifactType": MODEL_ARTIFACT,
            "config": descriptor(MODEL_CONFIG, *config),
            "layers": [
                descriptor(WEIGHT_RAW, layer.digest, layer.size, annotations={TITLE: layer.path, FILEPATH: layer.path})
                for layer in layers
            ],
            "annotations": {NAME: name, KIND: kind},
        }
    )


def model_for(card: Any) -> tuple[list[Layer], bytes, bytes]:
    """(layers, config, manifest) for a signed card's artefact, from what the card signed alone -- known
    before anything is sent, so a manifest too large for registries is refused before the first upload.
    A file is one layer named as the card names it (a renamed local copy pushes its card's name)."""
    import hashlib

    a = card.artefact
    if a.kind == "file":
        layers = [Layer(a.name, f"sha256:{a.sha256}", a.size)]
    else:
        layers = [Layer(f.path, f"sha256:{f.sha256}", f.size) for f in a.files]
    config = model_config(a.name, layers)
    body = model_manifest(a.name, a.kind, layers, (f"sha256:{hashlib.sha256(config).hexdigest()}", len(config)))
    if len(body) > MANIFEST_LIMIT:
        raise LayoutError(
            f"{a.name}: its manifest would be {len(body)} bytes ({len(layers)} files); registries cap manifests "
            f"at {MANIFEST_LIMIT} bytes: pack the files (e.g. in a tar) and card that"
        )
    return layers, config, body


def referrer_manifest(
    artifact_type: str, blob: tuple[str, int], title: str, subject: tuple[str, int], created: str
) -> bytes:
    return dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "artifactType": artifact_type,
            "config": descriptor(EMPTY, EMPTY_DIGEST, len(EMPTY_BYTES)),
            "layers": [descriptor(REFERRER_LAYERS[artifact_type], *blob, annotations={TITLE: title})],
            "subject": descriptor(MANIFEST, *subject),
            "annotations": {CREATED: created},
        }
    )


def referrer_descriptor(body: bytes, digest: str, artifact_type: str, created: str) -> dict[str, Any]:
    """The entry a referrers index holds for a referrer manifest."""
    return descriptor(MANIFEST, digest, len(body), artifactType=artifact_type, annotations={CREATED: created})


# --- reading ----------------------------------------------------------------------------------------


def _object(raw: bytes, what: str) -> dict[str, Any]:
    from ..strictjson import StrictJSONError, loads

    try:
        doc = loads(raw)
    except StrictJSONError as e:
        raise LayoutError(f"{what} is not strict JSON: {e}") from None
    if not isinstance(doc, dict):
        raise LayoutError(f"{what} is not a JSON object")
    return doc


def _descriptor(value: object, what: str) -> tuple[str, str, int, dict[str, str]]:
    import re

    if not isinstance(value, dict):
        raise LayoutError(f"{what}: not a descriptor")
    media, digest, size = value.get("mediaType"), value.get("digest"), value.get("size")
    annotations = value.get("annotations", {})
    if not isinstance(media, str) or not isinstance(digest, str) or not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        raise LayoutError(f"{what}: needs a mediaType and a sha256 digest")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise LayoutError(f"{what}: size must be a non-negative integer")
    if not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values()):
        raise LayoutError(f"{what}: annotations must map names to strings")
    return media, digest, size, annotations


def safe_relative(path: str, what: str) -> str:
    """A path a registry names, usable under a target directory: relative, no '..', no empty parts."""
    p = PurePosixPath(path)
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or any(part in ("", ".", "..") for part in path.split("/"))
        or p.as_posix() != path
    ):
        raise LayoutError(f"{what}: {path!r} is not a safe relative path")
    return path


def read_model(raw: bytes) -> ModelManifest:
    """The model manifest as prov wrote it; LayoutError for anything else."""
    doc = _object(raw, "the model manifest")
    if doc.get("mediaType") != MANIFEST or doc.get("schemaVersion") != 2:
        raise LayoutError("the reference does not name an OCI image manifest")
    if doc.get("artifactType") != MODEL_ARTIFACT:
        raise LayoutError(f"the manifest's artifactType is {doc.get('artifactType')!r}, not a model ({MODEL_ARTIFACT})")
    annotations = doc.get("annotations")
    if not isinstance(annotations, dict):
        raise LayoutError("the model manifest has no annotations naming the artefact")
    name, kind = annotations.get(NAME), annotations.get(KIND)
    if not isinstance(name, str) or "/" in name:
        raise LayoutError(f"the model manifest's {NAME} must be a file name")
    safe_relative(name, "the artefact's name")
    if kind not in ("file", "directory"):
        raise LayoutError(f"the model manifest's {KIND} must be file or directory")
    layers_raw = doc.get("layers")
    if not isinstance(layers_raw, list) or not layers_raw:
        raise LayoutError("the model manifest has no layers")
    layers: list[Layer] = []
    for i, value in enumerate(layers_raw):
        media, digest, size, notes = _descriptor(value, f"layer {i}")
        if media != WEIGHT_RAW:
            raise LayoutError(f"layer {i} is {media!r}; prov reads uncompressed layers ({WEIGHT_RAW}) only")
        path = notes.get(FILEPATH)
        if not isinstance(path, str):
            raise LayoutError(f"layer {i} names no file ({FILEPATH})")
        layers.append(Layer(safe_relative(path, f"layer {i}"), digest, size))
    paths = [layer.path for layer in layers]
    if len(set(paths)) != len(paths):
        raise LayoutError("two layers name the same file")
    if kind == "file" and (len(layers) != 1 or layers[0].path != name):
        raise LayoutError("a file artefact is one layer named as the artefact")
    if kind == "directory":
        names = set(paths)
        for path in paths:  # 'a' and 'a/b' cannot both be files
            parents = PurePosixPath(path).parents
            if any(str(parent) in names for parent in parents):
                raise LayoutError(f"layer {path!r} lies inside another layer's file")
    return ModelManifest(name, kind, tuple(layers))


@dataclass(frozen=True)
class Referrer:
    digest: str
    artifact_type: str


def read_index(raw: bytes) -> list[Referrer]:
    """The referrers an index lists (API answer or fallback tag); entries without a type are skipped."""
    doc = _object(raw, "the referrers index")
    if doc.get("mediaType", INDEX) != INDEX or not isinstance(doc.get("manifests", []), list):
        raise LayoutError("the referrers index is not an OCI image index")
    out: list[Referrer] = []
    for i, value in enumerate(doc.get("manifests", [])):
        media, digest, _, _ = _descriptor(value, f"referrer {i}")
        kind = value.get("artifactType")
        if media == MANIFEST and isinstance(kind, str):
            out.append(Referrer(digest, kind))
    return out


def read_referrer(raw: bytes, subject: str, artifact_type: str) -> tuple[str, int]:
    """The one blob a referrer manifest carries (digest, size); it must refer to ``subject``."""
    doc = _object(raw, "a referrer manifest")
    if doc.get("mediaType") != MANIFEST or doc.get("artifactType") != artifact_type:
        raise LayoutError(f"a referrer listed as {artifact_type} is not one")
    _, subject_digest, _, _ = _descriptor(doc.get("subject"), "the referrer's subject")
    if subject_digest != subject:
        raise LayoutError("a referrer refers to another manifest than the model's")
    layers = doc.get("layers")
    if not isinstance(layers, list) or len(layers) != 1:
        raise LayoutError("a referrer carries exactly one layer")
    media, digest, size, _ = _descriptor(layers[0], "the referrer's layer")
    if media != REFERRER_LAYERS[artifact_type]:
        raise LayoutError(f"a {artifact_type} referrer's layer is {media!r}")
    if size > SIGNED_BLOB_LIMIT:
        raise LayoutError(f"a {artifact_type} referrer's layer is {size} bytes; prov reads at most {SIGNED_BLOB_LIMIT}")
    return digest, size
