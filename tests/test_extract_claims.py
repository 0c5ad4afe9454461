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
    # a factor that outperforms rivals after a speed cue is a speed-up too; without one it stays quality
    ("TAPS achieves up to 7.9x lossless speedup, outperforming DFlash and DDTree by 1.36x and 1.74x respectively.",
     [("speed", 7.9, "x", "increase", "up_to"), ("speed", 1.36, "x", "increase", None),
      ("speed", 1.74, "x", "increase", None)]),
    ("Our reranker outperforms BM25 by 2x on MS MARCO.", [("quality", 2.0, "x", "gain", None)]),
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
    # ---- more phrasings
    ("Our model achieves 12% lower WER than Whisper.", [("quality", 12.0, "%", "gain", None)]),
    ("It prunes 90% of the tokens with less than 1% accuracy drop.",
     [("tokens", 90.0, "%", "reduction", None), ("quality", 1.0, "%", "drop", "less_than")]),
    ("We reduce the KV cache size by 4x with negligible accuracy loss.", [("memory", 4.0, "x", "reduction", None)]),
    ("Our method doubles the throughput of vLLM.", [("speed", 2.0, "x", "increase", None)]),
    ("It cuts the inference cost by half.", [("compute", 50.0, "%", "reduction", None)]),
    ("Quantisation to 4 bits costs 2.1 points on average.", [("quality", 2.1, "pp", "drop", None)]),
    ("It reduces the time-to-first-token by 3.2x.", [("speed", 3.2, "x", "reduction", None)]),
    ("It requires only 25% of the compute of the baseline.", [("compute", 75.0, "%", "reduction", None)]),
    ("Fine-tuned models reach a WER of $38.0\\%$ compared to $64.9\\%$ for the zero-shot baseline.",
     [("quality", 38.0, "%", "gain", None)]),
    ("It runs at roughly $10{,}000\\times$ less compute than direct evaluation.",
     [("compute", 10000.0, "x", "reduction", "approx")]),
    ("Experiments show consistent gains of 6--18% over strong baselines.", [("quality", 18.0, "%", "gain", None)]),
    ("The model reduces CO2 emissions by 69%, energy consumption by 69%, and cost by 40%.",
     [("energy", 69.0, "%", "reduction", None), ("energy", 69.0, "%", "reduction", None),
      ("cost", 40.0, "%", "reduction", None)]),
    ("It compresses the model 4x with an accuracy drop of less than 1%.",
     [("size", 4.0, "x", "reduction", None), ("quality", 1.0, "%", "drop", "less_than")]),
    ("It has a performance degradation of only 0.2%.", [("quality", 0.2, "%", "drop", None)]),
    ("Pruning 50% of heads degrades accuracy by 0.4 points.", [("quality", 0.4, "pp", "drop", None)]),
    ("Perplexity increases by only 0.1.", [("quality", 0.1, "pp", "drop", None)]),
    ("It improves PSNR by 0.8 dB.", [("quality", 0.8, "other", "gain", None)]),
    ("It saves 2.4 GB of GPU memory.", [("memory", 2.4, "other", "reduction", None)]),
    ("Our method reduces the training cost by 3 orders of magnitude.", [("compute", 1000.0, "x", "reduction", None)]),
    ("KACE reaches 62.2 percent accuracy, a 10.4-point absolute gain over Best-of-5.",
     [("quality", 10.4, "pp", "gain", None)]),
    ("The distilled model is 40% smaller and 60% faster while retaining 97% of its language understanding.",
     [("size", 40.0, "%", "reduction", None), ("speed", 60.0, "%", "increase", None),
      ("quality", 3.0, "%", "drop", None)]),
    ("Our model achieves accuracy within 1% of the dense model.", [("quality", 1.0, "%", "drop", "less_than")]),
    ("It comes within 0.5 points of GPT-4 on MMLU.", [("quality", 0.5, "pp", "drop", "less_than")]),
    ("It reduces memory to 30% of the original.", [("memory", 70.0, "%", "reduction", None)]),
    ("Inference is 40% cheaper.", [("cost", 40.0, "%", "reduction", None)]),
    ("It improves the tokens-per-second by 2x.", [("speed", 2.0, "x", "increase", None)]),
    ("Energy usage falls by 23%.", [("energy", 23.0, "%", "reduction", None)]),
    ("We reduce peak memory from 80 GB to 24 GB.", [("memory", 24.0, "other", "reduction", None)]),
    ("It delivers 1.3x the throughput of vLLM.", [("speed", 1.3, "x", "increase", None)]),
    # ---- things that are not claims
    ("We train a 7B model on 103K tokens with 1024x1024 images.", []),
    ("The model achieves 58% success on WebArena.", []),
    ("Our detector reaches 84.8% top-1 accuracy with 10.3 GFLOPs.", []),
    ("We evaluate on 12 tasks and 4 benchmarks collected in 2023.", []),
    ("We use a learning rate of 0.001 and a batch size of 256 for 3 epochs.", []),
    ("Results use 5-fold cross-validation.", []),
    ("The proxy model has an RMSE of 0.61% on held-out designs.", []),
    ("No method exceeds 80% accuracy on the benchmark.", []),
    ("We evaluate at $256 \\times 256$ resolution with 4x4 patches.", []),
    ("It achieves 58.0% accuracy at 59x fewer parameters than Qwen3-VL-235B (58.9%).",
     [("size", 59.0, "x", "reduction", None)]),
    ("Baseline mirage rates range from 21.7% to 66.6%.", []),
    ("The kernel reaches over 90% of peak memory bandwidth.", []),
    ("Our method uses 10x more data than the baseline.", []),
    ("Classifiers were trained with 5-fold cross-validation on 10% of the training data.", []),
    ("Our agent matches the scene less than half the time.", []),
]


def test_metric_vocabulary_gives_kind_and_direction():
    """Metrics of vocab/metrics.csv are cues: a lower attack success rate is a quality gain, bit-rate savings
    a size reduction, and an acronym counts only as written ("asr" is not ASR)."""
    from ingest.extract import claim_patterns as P
    assert P.CUE_INFO[P.CUE_RE.fullmatch("attack success rate").lastgroup] == ("quality", "cost")
    assert "ASR" in P.CASE_SENSITIVE and "W-MPJPE" in P.CASE_SENSITIVE
    got = extract_claims("It lowers ASR by 12.5% on AdvBench.")
    assert [(c["category"], c["direction"]) for c in got] == [("quality", "gain")]
    got = extract_claims("Our codec achieves 2.67% bit-rate savings over VVC.")
    assert [(c["category"], c["direction"]) for c in got] == [("size", "reduction")]


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


@pytest.mark.parametrize("text", [
    "1 " * 5000, "5% " * 3000, "2x faster " * 2000, "1,000," * 3000, "1-2-3-4-" * 2000, "1 point " * 3000,
    "from 1 to 2 " * 2000, "5%\n" * 5000, "up to " * 3000 + "5%", "(" * 5000 + "5%", "a" * 50000,
    "improves accuracy by 5% and reduces latency by 2x, " * 400,
], ids=lambda t: repr(t[:12]))
@pytest.mark.timeout(300)
def test_pathological_inputs_finish(text):
    """No catastrophic backtracking: each of these (10-50k chars, thousands of numbers) takes well under a second
    on an idle core, while exponential backtracking on them would run for hours. Not a speed assertion (a busy
    CI machine took 6 s for one): the timeout only turns a hang into a failure; speed is bench_extract.py's job."""
    got = extract_claims(text)
    for c in got:
        assert text[c["start"]:c["end"]] == c["text"]


def test_cue_window_does_not_change_results(monkeypatch):
    """Cue words are only searched within a window around each number (a speed measure); a window covering the
    whole abstract must give the same claims."""
    from ingest.extract import claims as C

    abstracts = [r["abstract"] for r in _gold_abstracts()]
    base = [extract_claims(a) for a in abstracts]
    monkeypatch.setattr(C, "_WIN", 10**6)
    assert [extract_claims(a) for a in abstracts] == base


@pytest.mark.parametrize("text,expected", [
    # systems papers' time and rate units: both ends of "from 120 µs to 35 µs" carry their unit
    ("reduces tail latency from 120 µs to 35 µs", [(120.0, "other", "µs"), (35.0, "other", "µs")]),
    ("at 1.2 PFLOP/s, 900 GB/s and 40 ns", [(1.2, "other", "PFLOP/s"), (900.0, "other", "GB/s"), (40.0, "other", "ns")]),
    # a bare number after "a speedup of" is a factor, as "4.3x" is
    ("a speedup of up to 4.3 over cuBLAS", [(4.3, "x", "speedup")]),
    ("a speedup of 30% over cuBLAS", [(30.0, "%", "%")]),
])
def test_quantity_units(text, expected):
    from ingest.extract.numbers import find_quantities

    assert [(q.value, q.unit, q.unit_text) for q in find_quantities(text)] == expected
