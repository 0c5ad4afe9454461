"""`find_tradeoffs` and `find_quality_note` (GUIDELINES.md, `tradeoffs` and `quality_note`).

Trade-offs are reported only where the text names them; each is "axis vs axis" from the fixed axis list,
accuracy written first.  The quality note is the shortest exact phrase claiming quality is kept without a number.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract.quality_note import find_quality_note
from ingest.extract.tradeoffs import find_tradeoffs

AXES = {"accuracy", "efficiency", "speed", "memory", "compute", "size", "cost", "energy", "fairness", "privacy",
        "robustness", "diversity", "exploration", "communication", "latency", "throughput", "quality",
        "interpretability", "other"}

TRADEOFFS = [
    # "<X>-<Y> trade-off"
    ("", "Our models achieve a better accuracy-efficiency trade-off than prior work.", ["accuracy vs efficiency"]),
    ("", "In pursuit of efficiency-performance trade-offs, we score tokens by informativity.",
     ["accuracy vs efficiency"]),
    ("", "Excelling in the speed-accuracy trade-off requires hardware-aware design.", ["accuracy vs speed"]),
    ("", "Chunking leads to sub-optimal quality-efficiency trade-offs.", ["quality vs efficiency"]),
    ("", "MobileCLIP sets a new state-of-the-art latency-accuracy tradeoff for zero-shot classification.",
     ["accuracy vs latency"]),
    # "accuracy-performance" is accuracy against the speed of the system
    ("", "Significant uncertainty remains regarding the accuracy-performance trade-offs of quantization formats.",
     ["accuracy vs efficiency"]),
    # "trade-off between X and Y", "balance X and Y"
    ("", "CFSR achieves an advanced trade-off between computational cost and performance.", ["accuracy vs compute"]),
    ("", "There is a trade-off between privacy and utility in federated learning.", ["accuracy vs privacy"]),
    ("", "Fed-SB establishes a new Pareto frontier in the tradeoff between communication and performance.",
     ["accuracy vs communication"]),
    ("", "The results suggest a classic equality-efficiency tradeoff under the new policy.",
     ["fairness vs efficiency"]),
    ("", "The scheduler balances throughput and latency under SLO constraints.", ["throughput vs latency"]),
    ("", "Practitioners face a quantity-quality tradeoff when labelling data.", ["quality vs other"]),
    # one trade-off, three axes: accuracy against each
    ("", "We study the trade-off between the computation/memory efficiency and the accuracy of deep networks.",
     ["accuracy vs compute", "accuracy vs memory"]),
    # a title that sets two axes side by side
    ("Fast Benchmarking of Accuracy vs. Training Time with Cyclic Learning Rates", "", ["accuracy vs speed"]),
    # a title that pairs quality with a cost
    ("Fast and Accurate Zero-Training Classification for Tabular Engineering Data", "", ["accuracy vs speed"]),
    ("Efficient Agents: Building Effective Agents While Reducing Cost", "", ["accuracy vs cost"]),
    ("ReMax: A Simple, Effective, and Efficient Reinforcement Learning Method", "", []),  # a list of virtues
    # the price paid in other words
    ("", "EAD accepts controlled output divergence in exchange for computational efficiency.",
     ["accuracy vs compute"]),
    ("", "We examine interventions that trade off component model performance for predictive diversity.",
     ["accuracy vs diversity"]),
    ("", "We evaluate its ability to achieve both fairness and accuracy on lending data.", ["accuracy vs fairness"]),
    # quality kept while an efficiency gain is claimed
    ("", "This additional cost can be eliminated without sacrificing accuracy.", ["accuracy vs efficiency"]),
    # nothing named
    ("", "We propose a new pooling operator and evaluate it on ten graph benchmarks.", []),
    ("", "We discuss their trade-offs in terms of software quality attributes.", []),
    ("", "Fraud data has massive and varying imbalance.", []),
]


@pytest.mark.parametrize("title,abstract,expected", TRADEOFFS, ids=[(r[0] or r[1])[:40] for r in TRADEOFFS])
def test_tradeoffs_named_in_the_text(title, abstract, expected):
    assert find_tradeoffs(title, abstract) == expected


QUALITY_NOTES = [
    ("Turbo brings 1.6x speedup with negligible performance drop.", "negligible performance drop"),
    ("The quantized models are lossless on all tasks.", "lossless"),
    ("EllieSQL cuts cost by 40% without compromising performance on the Bird development set.",
     "without compromising performance"),
    ("The pruned model attains comparable accuracy to the dense baseline with 4x less memory.",
     "comparable accuracy"),
    ("Mambular achieves competitive performance with GBDTs on tabular benchmarks.", "competitive performance"),
    ("KOALA reduces the model size by 69% while retaining a decent generation quality.",
     "retaining a decent generation quality"),
    ("Our approach matches the performance of full fine-tuning while training 0.1% of the parameters.",
     "matches the performance"),
    ("Token pooling halves the index size with virtually no retrieval performance degradation.",
     "virtually no retrieval performance degradation"),
    ("LowFormer reaches similar or better accuracy at twice the throughput.", "similar or better accuracy"),
    ("The greedy policy performs just as well as the tuned acquisition functions.", "performs just as well"),
    # a number inside the phrase belongs to a name, not a score: the phrase stops before it
    ("Our 7B model performs on par with GPT-4 on MT-Bench.", "on par"),
]


@pytest.mark.parametrize("abstract,expected", QUALITY_NOTES, ids=[r[1] for r in QUALITY_NOTES])
def test_quality_note_is_the_shortest_phrase(abstract, expected):
    assert find_quality_note(abstract) == expected


@pytest.mark.parametrize("abstract", [
    "Our method improves accuracy by 2.1 points over the baseline.",   # a number: a claim, not a note
    "Experiments show a 1% accuracy drop at 4-bit precision.",
    "We evaluate on three datasets and release code.",
    "The method runs without loss of efficiency on GPUs.",              # efficiency kept is not quality kept
    "We compare against a compute-matched single-agent baseline.",     # "-matched" is part of a compound
    "We evaluate SOTA ASR models on PAREDA, a new corpus.",             # "on PAR..." is not "on par"
    "",
])
def test_no_quality_note(abstract):
    assert find_quality_note(abstract) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_quality_note_is_always_an_exact_substring(abstract):
    note = find_quality_note(abstract)
    assert note is None or (note and note in abstract)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=2000))
def test_tradeoffs_never_raise_and_use_known_axes(title, abstract):
    for t in find_tradeoffs(title, abstract):
        a, b = t.split(" vs ")
        assert a in AXES and b in AXES


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["accuracy", "efficiency", "trade-off", "between", "and", "without", "sacrificing",
                                 "comparable", "performance", "lossless", "-", "/", "balance", ",", "İ", "vs."]),
                max_size=60))
def test_keyword_soup_is_handled(words):
    text = " ".join(words)
    note = find_quality_note(text)
    assert note is None or note in text
    for t in find_tradeoffs(text, text):
        assert set(t.split(" vs ")) <= AXES
