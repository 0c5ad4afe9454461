"""The embedder: real all-MiniLM-L6-v2 (offline, network blocked) and the fake one."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import numpy as np
import pytest

from ingest import embedder as E

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "gold" / "seeds.jsonl"


def _block(*_a, **_k):
    raise OSError("network access blocked in tests")


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """No network at all while the model is converted, loaded and used; a fresh model cache.

    The cache starts empty, so this also checks the one-off ONNX conversion works offline from a
    clean clone.
    """
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _block)
    mp.setattr(socket.socket, "connect_ex", _block)
    mp.setattr(socket, "create_connection", _block)
    mp.setattr(socket, "getaddrinfo", _block)
    mp.setenv("ATLAS_MODEL_CACHE", str(tmp_path_factory.mktemp("model_cache")))
    mp.setattr(E, "_DEFAULT", None)
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def real(offline):
    return E.get_embedder()


@pytest.fixture(scope="module")
def seed_texts():
    rows = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [E.paper_text(r["title"], r["abstract"]) for r in rows]


def test_network_is_really_blocked(offline):
    with pytest.raises(OSError):
        socket.create_connection(("example.org", 80), timeout=1)


def test_real_embedder_contract(real, seed_texts):
    texts = seed_texts[:40]
    v = real.embed(texts)
    assert real.dim == E.DIM == 384
    assert v.shape == (40, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    # identical text -> identical vector, within one call and across calls / batch positions
    again = real.embed([texts[5], "something else entirely", texts[5]])
    assert np.allclose(again[0], again[2], atol=1e-6)
    assert np.allclose(again[0], v[5], atol=1e-5)
    # distinct papers are not collapsed onto one vector
    sims = v @ v.T
    assert sims[np.triu_indices(40, 1)].max() < 0.99


def test_real_embedder_progress_and_empty(real, seed_texts):
    calls = []
    v = real.embed(seed_texts[:70], progress=lambda done, total: calls.append((done, total)))
    assert v.shape == (70, 384)
    assert calls[0] == (0, 70) and calls[-1] == (70, 70)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert real.embed([]).shape == (0, 384)


def test_fast_embedder_keeps_full_precision_quality(offline, seed_texts):
    """The quantised fast path stays close to plain sentence-transformers (cosine per paper)."""
    texts = seed_texts[:24]
    fast = E.OnnxEmbedder()
    ref = E.SentenceTransformerEmbedder(max_seq_length=E.DEFAULT_MAX_SEQ_LENGTH, device="cpu")
    cos = (fast.embed(texts) * ref.embed(texts)).sum(axis=1)
    assert cos.min() > 0.95 and cos.mean() > 0.98


def test_paper_text_and_key():
    assert E.paper_text("  Token  pruning\n", " We prune.  ") == "Token pruning. We prune."
    assert E.paper_text("Why?", "Because.") == "Why? Because."
    assert E.paper_text("", "Only abstract") == "Only abstract"
    k = E.text_key("abc")
    assert len(k) == 64 and k == E.text_key("abc") != E.text_key("abd")


def test_fake_embedder_contract():
    fake = E.FakeEmbedder()
    texts = ["token pruning for vision transformers", "fair allocation of goods", "", "token pruning"]
    v = fake.embed(texts)
    assert v.shape == (4, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(v, E.FakeEmbedder().embed(texts))  # deterministic across instances
    assert v[0] @ v[3] > v[0] @ v[1]  # shared words -> closer
