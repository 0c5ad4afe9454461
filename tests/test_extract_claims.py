"""The claims extractor: every spelling of a quantified claim, exact offsets, and robustness on random text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, HealthCheck
from hypothesis import strategies as st

from ingest.extract.claims import extract_claims

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"

# (snippet, expected claims as (category, value, unit, direction, bound)); extra keys checked where given.
CASES = [
    # ---- multiplicative factors, every spelling
    ("Our method achieves a 2.7x speedup over the baseline.", [("speed", 2.7, "x", "increase", None)]),
    ("The kernel is 2.7× faster than FlashAttention.", [("speed", 2.7, "x", "increase", None)]),
    ("It delivers a $2.7\\times$ speedup on A100 GPUs.", [("speed", 2.7, "x", "increase", None)]),
    ("mmMamba-linear demonstrates 20.6times speedup compared to HoVLE.", [("speed", 20.6, "x", "increase", None)]),
    ("This gives a 2,000-fold reduction in simulation time.", [("speed", 2000.0, "x", "reduction", None)]),
    ("Training is accelerated by 3 times with our schedule.", [("speed", 3.0, "x", "increase", None)]),
    ("We improve throughput by 2.7 times.", [("speed", 2.7, "x", "increase", None)]),
    ("It outperforms vLLM with speedups of 1.4-11.2x across different tail TTFT.",
     [("speed", 11.2, "x", "increase", None)]),
    ("It uses 2 to 25 times fewer parameters.", [("size", 25.0, "x", "reduction", None)]),
    ("The model is twice as fast as SDXL.", [("speed", 2.0, "x", "increase", None)]),
    ("The model is more than twice as fast as SDXL.", [("speed", 2.0, "x", "increase", "at_least")]),
    ("It needs an order of magnitude fewer FLOPs than dense attention.", [("compute", 10.0, "x", "reduction", None)]),
    ("The scheme halves the memory footprint of the KV cache.", [("memory", 50.0, "%", "reduction", None)]),
    ("Re-ranking increases runtime by roughly a factor of 5.", [("speed", 5.0, "x", "overhead", "approx")]),
    ("PPO is about twice as slow as ReMax per iteration.", [("speed", 2.0, "x", "overhead", "approx")]),
    ("Large generative models consume up to 4600x more energy than traditional models.",
     [("energy", 4600.0, "x", "overhead", "up_to")]),
    ("It is 5x slower than greedy decoding.", [("speed", 5.0, "x", "overhead", None)]),
    ("The search uses 421x lower computational cost than previous methods.",
     [("compute", 421.0, "x", "reduction", None)]),
    ("It achieves up to 3.4times higher throughput and 5times lower latency.",
     [("speed", 3.4, "x", "increase", "up_to"), ("speed", 5.0, "x", "reduction", None)]),
    ("It reduces communication costs by up to 230x.", [("cost", 230.0, "x", "reduction", "up_to")]),
    # ---- percentages
    ("Our method reduces memory usage by about 50%.", [("memory", 50.0, "%", "reduction", "approx")]),
    ("DynaICL saves up to 46% token budget compared to the common practice.",
     [("tokens", 46.0, "%", "reduction", "up_to")]),
    ("It reduces token use by over 40% without compromising performance.",
     [("tokens", 40.0, "%", "reduction", "at_least")]),
    ("The router achieves a 75.8% GPU memory reduction.", [("memory", 75.8, "%", "reduction", None)]),
    ("Chroma processes queries 13% faster.", [("speed", 13.0, "%", "increase", None)]),
    ("It has 40% higher throughput than the baseline.", [("speed", 40.0, "%", "increase", None)]),
    ("It reduces inference time by 40%.", [("speed", 40.0, "%", "reduction", None)]),
    ("This comes at the price of 22.6% higher latency.", [("speed", 22.6, "%", "overhead", None)]),
    ("The adapter needs 19\\% fewer training iterations.", [("compute", 19.0, "%", "reduction", None)]),
    ("It uses 38% less resources than static provisioning.", [("compute", 38.0, "%", "reduction", None)]),
    ("It is achieved with only a 1.43% parameter increase.", [("size", 1.43, "%", "overhead", None)]),
    ("We observe a 60% power reduction at the detector.", [("energy", 60.0, "%", "reduction", None)]),
    ("W8A8 quantization incurs 1-3% accuracy degradation.", [("quality", 3.0, "%", "drop", None)]),
    ("The method outperforms the best baseline by 5.3%.", [("quality", 5.3, "%", "gain", None)]),
    ("We obtain +2.9% average performance improvement on 38 benchmarks.", [("quality", 2.9, "%", "gain", None)]),
    ("It lowers the word error rate by 12% relative.", [("quality", 12.0, "%", "gain", None)]),
    ("It reduces the FID by 10.38% on FFHQ.", [("quality", 10.38, "%", "gain", None)]),
    ("It cuts perplexity by 8%.", [("quality", 8.0, "%", "gain", None)]),
    ("It reduces the parameter count by 90% to 95% compared to traditional models.",
     [("size", 95.0, "%", "reduction", None)]),
    ("Degradation remains below 5% on most datasets.", [("quality", 5.0, "%", "drop", "less_than")]),
    # ---- absolute points
    ("Accuracy improves by up to 5 percentage points.", [("quality", 5.0, "pp", "gain", "up_to")]),
    ("Exploiting GGeM shows 0.1%p to 0.7%p performance boosts.", [("quality", 0.7, "pp", "gain", None)]),
    ("It improves accuracy by 3.4 points over LoRA.", [("quality", 3.4, "pp", "gain", None)]),
    ("It improves mAP by 2.1 pp on COCO.", [("quality", 2.1, "pp", "gain", None)]),
    ("The detector gains +2.1 mAP on COCO.", [("quality", 2.1, "pp", "gain", None)]),
    ("It outperforms EfficientFormerV2-s by 3.6 mIoU on ADE20K.", [("quality", 3.6, "pp", "gain", None)]),
    ("Using the second-best choice leads to an up to 20\\% absolute drop in accuracy.",
     [("quality", 20.0, "pp", "drop", "up_to")]),
    ("Existing methods are often up to 6.9 points worse.", []),  # background: other work's numbers
    ("Our variant is up to 6.9 points worse on the long split.", [("quality", 6.9, "pp", "drop", "up_to")]),
    # ---- from A to B, A versus B
    ("It reduces latency from 21 to 8 seconds.", [("speed", 8.0, "other", "reduction", None)]),
    ("It improves the accuracy on GSM8K from 61.79 to 66.94.", [("quality", 66.94, "other", "gain", None)]),
    ("It raises accuracy from 71.2% to 75.0% on MMLU.", [("quality", 75.0, "%", "gain", None)]),
    ("It reduces validation loss from 1.20 to 1.12.", [("quality", 1.12, "other", "gain", None)]),
    ("Our agent reaches 58% versus 31% for ReAct.", [("quality", 58.0, "%", "gain", None)]),
    # ---- fractions kept or used
    ("Efficient Agents retains 96.7% of the performance of OWL.", [("quality", 3.3, "%", "drop", None)]),
    ("It answers with only 11% of the visual tokens.", [("tokens", 89.0, "%", "reduction", None)]),
    ("It matches the dense model at 25% of the FLOPs.", [("compute", 75.0, "%", "reduction", None)]),
    ("It maintains 98.2% of retrieval performance with only 11.8% of original memory usage.",
     [("quality", 1.8, "%", "drop", None), ("memory", 88.2, "%", "reduction", None)]),
    # ---- lists and "respectively"
    ("It contains 26% and 31% fewer parameters and FLOPs, respectively.",
     [("size", 26.0, "%", "reduction", None), ("compute", 31.0, "%", "reduction", None)]),
    ("It is 2.1x, 2.5x and 3.0x faster on A, B and C.",
     [("speed", 2.1, "x", "increase", None), ("speed", 2.5, "x", "increase", None),
      ("speed", 3.0, "x", "increase", None)]),
    ("It lowers average TTFT and average JCT by 97% and 47%, respectively.",
     [("speed", 97.0, "%", "reduction", None), ("speed", 47.0, "%", "reduction", None)]),
    ("It reduces the computation costs by up to 8times and the decoding latency by 2.4-2.9times.",
     [("compute", 8.0, "x", "reduction", "up_to"), ("speed", 2.9, "x", "reduction", None)]),
    ("The same 2.7x speedup is what we measure; the 2.7x speedup holds on H100 too.",
     [("speed", 2.7, "x", "increase", None)]),  # a restated figure is annotated once
    # ---- things that are not claims
    ("We train a 7B model on 103K tokens with 1024x1024 images.", []),
    ("The model achieves 58% success on WebArena.", []),
    ("Our detector reaches 84.8% top-1 accuracy with 10.3 GFLOPs.", []),
    ("We evaluate on 12 tasks and 4 benchmarks collected in 2023.", []),
    ("We use a learning rate of 0.001 and a batch size of 256 for 3 epochs.", []),
    ("Results use 5-fold cross-validation.", []),
    ("The proxy model has an RMSE of 0.61% on held-out designs.", []),
    ("No method exceeds 80% accuracy on the benchmark.", []),
]


def _key(c: dict) -> tuple:
    return (c["category"], c["value"], c["unit"], c["direction"], c.get("bound"))


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:50] for c in CASES])
def test_claim_table(text, expected):
    got = extract_claims(text)
    for c in got:
        assert text[c["start"]:c["end"]] == c["text"]
    assert [_key(c) for c in got] == [tuple(e) for e in expected]


def test_range_low_and_from_keys():
    (c,) = extract_claims("It outperforms vLLM with speedups of 1.4-11.2x across different tail TTFT.")
    assert c["low"] == 1.4 and c["value"] == 11.2 and "from" not in c
    (c,) = extract_claims("It reduces operational costs from 0.398 to 0.228.")
    assert c["from"] == 0.398 and c["value"] == 0.228 and c["unit"] == "other" and "low" not in c
    assert c["category"] == "cost" and c["direction"] == "reduction"


def test_key_order():
    (c,) = extract_claims("It is up to 1.4-11.2x faster than vLLM.")
    assert list(c) == ["category", "value", "low", "unit", "direction", "bound", "text", "start", "end"]
    (c,) = extract_claims("It reduces latency from 21 to 8 seconds.")
    assert list(c) == ["category", "value", "from", "unit", "direction", "text", "start", "end"]


def test_text_is_short_and_exact():
    text = "At 103K tokens, mmMamba-linear demonstrates 20.6times speedup and 75.8% GPU memory reduction."
    got = extract_claims(text)
    assert [c["text"] for c in got] == ["20.6times speedup", "75.8% GPU memory reduction"]


def test_empty_and_none_like():
    assert extract_claims("") == []
    assert extract_claims("No numbers here at all.") == []


def _gold_abstracts():
    return [json.loads(line) for line in open(GOLD / "seeds.jsonl", encoding="utf-8")]


def test_offsets_exact_on_every_gold_abstract():
    n = 0
    for r in _gold_abstracts():
        a = r["abstract"]
        for c in extract_claims(a):
            assert a[c["start"]:c["end"]] == c["text"], (r["id"], c)
            assert c["start"] < c["end"]
            assert c["unit"] in ("x", "%", "pp", "other")
            assert c["category"] in ("speed", "memory", "compute", "size", "tokens", "energy", "cost", "quality")
            assert c["direction"] in ("increase", "reduction", "overhead", "gain", "drop")
            assert c.get("bound", "up_to") in ("up_to", "at_least", "approx", "less_than")
            assert isinstance(c["value"], float)
            n += 1
    assert n > 100


_WORDS = ["speedup", "faster", "memory", "reduction", "by", "up to", "over", "~", "fewer", "tokens", "accuracy",
          "improves", "from", "to", "versus", "of", "only", "retains", "%", "x", "×", "times", "-fold", "pp",
          "points", "(", ")", ",", ";", ".", " and ", "\\%", "$\\times$", "twice", "halves", "an order of magnitude",
          "latency", "FLOPs", "lower", "higher", "+", "-", "respectively", "\n", "é", "—"]
_pieces = st.one_of(
    st.sampled_from(_WORDS),
    st.from_regex(r"\d{1,4}(\.\d{1,3})?", fullmatch=True),
    st.from_regex(r"\d{1,3}(,\d{3})+", fullmatch=True),
    st.text(max_size=6),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, max_size=40).map(" ".join))
def test_random_text_never_raises_and_offsets_exact(text):
    for c in extract_claims(text):
        assert text[c["start"]:c["end"]] == c["text"]
        assert 0 <= c["start"] < c["end"] <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text):
    for c in extract_claims(text):
        assert text[c["start"]:c["end"]] == c["text"]
