"""The Python API a training script uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import provenance
from provenance.errors import UsageError


def test_record_verify_decide(project: Path) -> None:
    x, y = load_breast_cancer(return_X_y=True)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(x_tr, y_tr)
    result = provenance.record(
        model,
        "api-model.joblib",
        datasets=["patients-2024"],
        train=(x_tr, y_tr),
        holdout=(x_te, y_te),
        metrics={"accuracy": model.score(x_te, y_te)},
        intended_use="research",
    )
    card = result.card
    assert card.privacy.memorisation.risk == "low"
    assert card.privacy.membership_inference is not None and card.metrics["accuracy"] > 0.9
    assert (project / "api-model.joblib.card.md").is_file()

    v = provenance.verify("api-model.joblib")
    assert isinstance(v, provenance.Verification) and v.verified

    inside = provenance.Recipient(name="ML team", org="Acme Hospital", purpose="research", territory="DE")
    outside = provenance.Recipient(name="Sales", org="Globex", purpose="commercial", territory="US")
    assert provenance.decide_export("api-model.joblib", recipient=inside).allowed
    refused = provenance.decide_export("api-model.joblib", recipient=outside)
    assert not refused.allowed and "CONFIDENTIALITY_AUDIENCE" in {r.code for r in refused.reasons}

    with pytest.raises(UsageError, match="overwrite=True"):
        provenance.record(model, "api-model.joblib", datasets=["patients-2024"])


def test_record_skops(project: Path) -> None:
    x, y = load_breast_cancer(return_X_y=True)
    model = LogisticRegression(max_iter=5000).fit(x, y)
    result = provenance.record(model, "m.skops", datasets=["patients-2024"])
    assert result.card.artefact.format == "skops"
    assert result.card.privacy.memorisation.static is not None
    assert provenance.verify("m.skops").verified


# --- issue 16: one opened cache and one key set per process, never a stale answer -----------------------


def _settle() -> None:
    """Let files just written age past the racy margin, so the caches below do remember them."""
    import time

    from provenance import stamps

    time.sleep(stamps.RACY_NS / 1e9 + 0.01)


def _codes(v: provenance.Verification) -> set[str]:
    return {r.code for r in v.reasons if r.severity == "block"}


def test_verify_in_a_loop_opens_one_cache_and_reads_the_keys_once(project: Path, prov, monkeypatch) -> None:
    from provenance import digest
    from provenance.store import trust

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    _settle()
    opened, parsed = [], []
    real_init, real_load = digest.DigestCache.__init__, trust.load_key_file
    monkeypatch.setattr(digest.DigestCache, "__init__", lambda self, d: opened.append(d) or real_init(self, d))
    monkeypatch.setattr(trust, "load_key_file", lambda p: parsed.append(p) or real_load(p))
    assert provenance.verify("model.joblib").verified
    first = (len(opened), len(parsed))
    for _ in range(5):
        assert provenance.verify("model.joblib").verified
    assert (len(opened), len(parsed)) == first  # nothing opened or parsed again
    (pub,) = sorted((project / ".prov" / "keys").glob("*.pub"))
    for _ in range(3):
        assert provenance.verify("model.joblib", keys=[pub]).verified
    assert len(parsed) <= first[1] + 1  # a --key file: read once too
    inside = provenance.Recipient(name="ML team", org="Acme Hospital", purpose="research", territory="DE")
    before = (len(opened), len(parsed))
    for _ in range(3):
        provenance.decide_export("model.joblib", recipient=inside)
    assert (len(opened), len(parsed)) == before  # the decision's trust root: the same key files, not re-read


def test_a_model_swapped_between_two_api_calls_fails(project: Path, prov) -> None:
    """The attacker swaps the weights between two verifications in one process, keeping the size and
    setting the times back: the second call must see it (ctime and inode are in the cache key)."""
    import os

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    model = project / "model.joblib"
    _settle()
    assert provenance.verify("model.joblib").verified
    assert provenance.verify("model.joblib").verified  # now from the cache
    st = model.stat()
    data = bytearray(model.read_bytes())
    data[-2] ^= 0xFF
    with open(model, "r+b") as f:  # in place: same inode, same size
        f.write(data)
    os.utime(model, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (model.stat().st_size, model.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert _codes(provenance.verify("model.joblib")) == {"DIGEST_MISMATCH"}

    data[-2] ^= 0xFF  # the original bytes again: verifies again
    model.write_bytes(bytes(data))
    assert provenance.verify("model.joblib").verified
    other = project / "other.joblib"
    data[-2] ^= 0x0F
    other.write_bytes(bytes(data))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, model)  # another file put in its place, same size and times
    assert _codes(provenance.verify("model.joblib")) == {"DIGEST_MISMATCH"}


def test_a_key_removed_or_replaced_between_two_api_calls_is_not_trusted(project: Path, prov) -> None:
    import os

    from provenance.crypto import keys

    assert prov("card", "model.joblib", "--dataset", "patients-2024").code == 0
    (pub,) = sorted((project / ".prov" / "keys").glob("*.pub"))
    original = pub.read_bytes()
    _settle()
    assert provenance.verify("model.joblib").verified
    assert provenance.verify("model.joblib").verified  # the key set remembered

    pub.unlink()
    assert _codes(provenance.verify("model.joblib")) == {"KEY_UNTRUSTED"}

    pub.write_bytes(original)
    st = pub.stat()
    _settle()
    assert provenance.verify("model.joblib").verified
    stranger = keys.public_pem(keys.generate("ecdsa-p256").public_key())
    assert len(stranger) == len(original)
    with open(pub, "r+b") as f:  # another key in the same file: same size, times set back
        f.write(stranger)
    os.utime(pub, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _codes(provenance.verify("model.joblib")) == {"KEY_UNTRUSTED"}

    # The same through --key: the file is read again once it changes.
    pub.write_bytes(original)
    _settle()
    assert provenance.verify("model.joblib", keys=[pub]).verified
    st = pub.stat()
    with open(pub, "r+b") as f:
        f.write(stranger)
    os.utime(pub, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _codes(provenance.verify("model.joblib", keys=[pub])) == {"KEY_UNTRUSTED"}


def test_a_large_artefact_hashes_while_its_card_is_read(project: Path, prov) -> None:
    """Past 16 MiB `prov verify` reads the card ahead while the files hash on other threads; what it says
    is what the plain check says: verified, a bad signature, changed bytes."""
    import base64
    import json
    import os
    import shutil

    model = project / "shards"
    model.mkdir()
    for i in range(3):
        (model / f"part-{i}.bin").write_bytes(os.urandom(7 << 20))
    assert prov("card", "shards", "--dataset", "patients-2024").code == 0
    cache = project / ".prov" / "cache"
    shutil.rmtree(cache)
    r = prov("verify", "shards", "--json")
    assert r.code == 0, r.out
    card = project / "shards.prov.json"
    good = card.read_bytes()
    envelope = json.loads(good)
    envelope["signatures"][0]["sig"] = base64.b64encode(b"\0" * 64).decode()
    card.write_text(json.dumps(envelope))
    shutil.rmtree(cache)
    r = prov("verify", "shards", "--json")
    assert r.code == 1 and "SIGNATURE_INVALID" in {x["code"] for x in json.loads(r.out)["reasons"]}
    card.write_bytes(good)
    with open(model / "part-1.bin", "r+b") as f:
        f.seek(5 << 20)
        f.write(b"\0")
    shutil.rmtree(cache)
    r = prov("verify", "shards", "--json")
    assert r.code == 1 and "DIGEST_MISMATCH" in {x["code"] for x in json.loads(r.out)["reasons"]}
