"""claims.py's output is frozen: the learned claim model (claim_model.py) takes it as features and was trained on it.

A refactoring must leave it byte-identical; a deliberate change means retraining (`python -m ingest
train-extractor`) and then updating FROZEN_SHA256 below, in the same commit.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ingest.extract.claims import extract_claims

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
FROZEN_SHA256 = "e2f8067e216ed84e38a3588513794f684d42ed4c0e25c19fd9de56abcb6d108f"


def _output() -> str:
    out = []
    for name in ("seeds", "arxiv"):
        for line in open(GOLD / f"{name}.jsonl", encoding="utf-8"):
            a = json.loads(line)["abstract"]
            out += [extract_claims(v) for v in (a, a.upper(), " ".join(a.split()))]
    return json.dumps(out, ensure_ascii=False)


def test_claims_output_is_the_one_the_claim_model_was_trained_on():
    got = hashlib.sha256(_output().encode("utf-8")).hexdigest()
    assert got == FROZEN_SHA256, "claims.py output changed: retrain the claim model, then update FROZEN_SHA256"
