"""Claim context (metric, dataset, baseline, hardware, model): small abstracts per field, exact offsets,
the canonical-name vocabulary, and the gold-set score with the gold claims as input (tests/fixtures/gold, a
copy of ../shared/gold, scored by its own score.py)."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.extract import FIELDS, extract, extract_many
from ingest.extract.canonical import Vocab, canonical, default_vocab, load_vocab
from ingest.extract.context import (CONTEXT_FIELDS, LEARNED_FIELDS, top_two, claim_context, context_keys,
                                    default_model, rank, rankers)
from ingest.extract.context_features import tokenize, value_anchor
from ingest.extract.context_train import claim_candidates

GOLD_DIR = Path(__file__).resolve().parent / "fixtures" / "gold"
ROOT = Path(__file__).resolve().parent.parent


def _claims(abstract: str) -> list[dict]:
    return extract("T", abstract)["claims"]


def _one(abstract: str, text: str) -> dict:
    """The context of the claim whose text is `text` (given as input, located by its text)."""
    return claim_context(abstract, [{"category": "speed", "text": text}])[0]


# ---------------------------------------------------------------- each field on a small abstract

def test_metric_from_the_claims_own_words():
    a = "We propose FastAttn. It uses 40% less GPU memory than FlashAttention-2."
    c = next(c for c in _claims(a) if c["category"] == "memory")
    assert c["metric"] == "GPU memory" and c["metric_canonical"] == "memory"


def test_baseline_after_than():
    a = "We propose FastAttn. It uses 40% less GPU memory than FlashAttention-2."
    c = next(c for c in _claims(a) if c["category"] == "memory")
    assert c["baseline"] == "FlashAttention-2"


def test_dataset_from_a_sentence_opener():
    a = "We propose X. On ImageNet, X improves top-1 accuracy by 1.2 points over ResNet-50."
    c = next(c for c in _claims(a) if c["category"] == "quality")
    assert c["dataset"] == "ImageNet" and c["dataset_canonical"] == "ImageNet-1K"
    assert c["metric"] == "top-1 accuracy" and c["baseline"] == "ResNet-50"


def test_model_with_its_size():
    a = "We apply our method to LLaMA-2-7B. It reduces perplexity by 0.4 on WikiText-2 compared to the dense model."
    c = next(c for c in _claims(a) if c["category"] == "quality")
    assert c["model"] == "LLaMA-2-7B" and c["model_canonical"] == "LLaMA-2-7B"
    assert c["dataset"] == "WikiText-2" and "dense model" in c["baseline"]


@pytest.mark.parametrize("text", ["decoding latency by 33.4%", "33.4%", "reduces decoding latency by 33.4%"])
def test_the_metric_does_not_depend_on_how_much_the_claim_span_quotes(text):
    # gold claims quote the metric with the value, the extractor's often the value alone: the metric is placed
    # relative to the claim's numbers, so every span finds it
    a = "We propose FastAttn. On LongBench, it reduces decoding latency by 33.4% compared with vLLM."
    c = claim_context(a, [{"category": "speed", "text": text}])[0]
    assert (c["metric"], c["dataset"], c["baseline"]) == ("decoding latency", "LongBench", "vLLM")


def test_the_value_anchor_is_the_claims_numbers_or_the_whole_claim():
    toks = tokenize("It cuts latency by 33.4% to 1.2 ms, more than ten times faster.")
    words = [t.low for t in toks]
    vi, vj = value_anchor(toks, words.index("latency"), words.index("ms"))
    assert (words[vi], words[vj]) == ("33.4%", "1.2")
    i, j = words.index("ten"), words.index("faster")
    assert value_anchor(toks, i, j) == (i, j)


def test_hardware_after_the_claim_and_as_an_opener():
    a = "We propose FastAttn. On a single A100, FastAttn is 2.7x faster than FlashAttention-2."
    c = next(c for c in _claims(a) if c["category"] == "speed")
    assert c["hardware"] == "A100" and c["hardware_canonical"] == "A100"
    a = "Our pruning reduces latency by 35% on mobile devices."
    c = next(c for c in _claims(a) if c["category"] == "speed")
    assert c["hardware"] == "mobile devices" and c["hardware_canonical"] == "mobile"


def test_hardware_only_for_efficiency_claims_and_not_from_an_earlier_clause():
    a = "Trained in 6 minutes on an A100, the model improves accuracy by 2.1 points over the baseline."
    assert _one(a, "improves accuracy by 2.1 points")["hardware"] is None


@pytest.mark.parametrize("abstract,text,hw", [
    ("For a 20B model, we observe a 1.71x increase in TFLOPS per GPU compared with ZeRO++ up to 384 GCDs.",
     "1.71x increase in TFLOPS per GPU", "384 GCDs"),
    ("We co-designed networks and hardware accelerators and achieved 11.6x faster inference.",
     "11.6x faster inference", "hardware accelerators"),
    ("It delivers a 2.3x speedup over the BF16 baseline, on a 24 GB RTX 4090 GPU.", "2.3x speedup", "RTX 4090"),
    ("It achieves up to 41.9% higher throughput on bandwidth-constrained GPUs.", "up to 41.9% higher throughput",
     "GPUs"),
    ("It reduces GPU memory by 40% compared with the dense model.", "reduces GPU memory by 40%", None),
    ("It is 2x faster, which matters on mobile devices that we target later in this work.", "2x faster", None),
])
def test_hardware_where_abstracts_name_it(abstract, text, hw):
    """A count may lead the hardware, a memory size or an adjective may stand between "on" and it, it may
    be the subject of the claim's clause; "GPU memory" is a metric, and a later clause is not the claim's."""
    assert _one(abstract, text)["hardware"] == hw


def test_hardware_is_whatever_the_vocabulary_file_names(tmp_path):
    a = "Our kernel is 3.1x faster on a Foo X9 board."
    assert _one(a, "3.1x faster")["hardware"] is None
    path = tmp_path / "context.csv"
    path.write_text((ROOT / "ingest/extract/vocab/context.csv").read_text(encoding="utf-8")
                    + "hardware,foo x9,Foo X9\n", encoding="utf-8")
    got = claim_context(a, [{"category": "speed", "text": "3.1x faster"}], vocab=load_vocab(path))[0]
    assert got["hardware"] == "Foo X9" and got["hardware_canonical"] == "Foo X9"


def test_nothing_named_gives_none():
    a = "Our approach is 3x faster."
    got = _one(a, "3x faster")
    assert got["dataset"] is None and got["hardware"] is None and got["model"] is None


# ---------------------------------------------------------------- offsets and robustness

def test_every_phrase_is_exact_with_offsets_on_the_gold_abstracts():
    n = 0
    with open(GOLD_DIR / "arxiv.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            a = r["abstract"]
            for c in extract(r["title"], a)["claims"]:
                assert list(c)[-len(context_keys()):] == context_keys()
                for k in CONTEXT_FIELDS:
                    if c[k] is None:
                        assert c[f"{k}_start"] is None and c[f"{k}_end"] is None and c[f"{k}_canonical"] is None
                    else:
                        n += 1
                        assert a[c[f"{k}_start"]:c[f"{k}_end"]] == c[k]
                        assert c[f"{k}_canonical"]
    assert n > 100


def test_claim_keys_come_first_and_extract_many_agrees():
    a = "It uses 40% less GPU memory than FlashAttention-2 on an A100."
    one = extract("T", a)
    many = extract_many(["T"], [a])[0]
    assert one == many and list(one) == list(FIELDS)
    c = one["claims"][0]
    own = [k for k in c if k not in context_keys()]
    assert own[0] == "category" and {"text", "start", "end"} <= set(own)
    assert list(c) == own + context_keys()


def test_claims_without_offsets_are_located_by_text_and_unfound_ones_get_none():
    a = "We propose X. X is 2.7x faster than FlashAttention-2."
    found, lost = claim_context(a, [{"category": "speed", "text": "2.7x faster"},
                                    {"category": "speed", "text": "9.9x faster"}])
    assert found["baseline"] == "FlashAttention-2"
    assert all(v is None for v in lost.values()) and list(lost) == context_keys()


@pytest.mark.parametrize("abstract,claims", [
    ("", [{"text": "2x"}]),
    (None, [{"text": "2x"}]),
    ("2x faster", [{}]),
    ("2x faster", [{"text": 5, "start": "a", "end": None, "category": 3}]),
    ("2x faster", [{"start": 0, "end": 999}]),
    ("2x faster", ["not a dict"]),
    ("... , , ; :: 2x", [{"text": "2x"}]),
    ("x" * 50_000 + " 2x faster than Y", [{"text": "2x faster"}]),
])
def test_hostile_input_never_raises(abstract, claims):
    out = claim_context(abstract, claims)
    assert len(out) == len(claims) and all(list(r) == context_keys() for r in out)


def test_no_claims_no_work():
    assert claim_context("2x faster than Y", []) == []


def test_inference_does_not_import_scikit_learn():
    code = ("import sys; from ingest.extract.context import claim_context; "
            "claim_context('X is 2x faster than Y on GSM8K.', [{'text': '2x faster'}]); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_vectorised_rankers_pick_what_the_reference_rank_picks():
    """Inference scores every field at once (context.Rankers, numpy); training ranks one field at a time
    (context.rank, plain sums). Both must pick the same phrase with the same scores on the gold claims."""
    papers = [{**r, **g} for r, g in zip(map(json.loads, open(GOLD_DIR / "arxiv.jsonl", encoding="utf-8")),
                                         map(json.loads, open(GOLD_DIR / "arxiv.gold.jsonl", encoding="utf-8")))]
    model = default_model()
    scorer, n = rankers(model), 0
    for _pi, _claim, _a, cands in claim_candidates(papers[:120], default_vocab()):
        scores = scorer.scores(cands, {})
        for col, field in enumerate(LEARNED_FIELDS):
            top, s1, s2 = rank(model["fields"][field]["rank"], cands)
            k, t1, t2 = top_two(scores[:, col])
            assert cands[k] is top and t1 == pytest.approx(s1, abs=1e-9) and t2 == pytest.approx(s2, abs=1e-9)
            n += 1
    assert n > 100


# ---------------------------------------------------------------- canonical names

@pytest.mark.parametrize("field,phrase,name", [
    ("metric", "Top-1 Acc", "top-1 accuracy"),
    ("metric", "PPL", "perplexity"),
    ("metric", "end-to-end latency", "latency"),
    ("metric", "GPU memory", "memory"),
    ("metric", "GFLOPs", "FLOPs"),
    ("dataset", "ImageNet", "ImageNet-1K"),
    ("dataset", "MS-COCO", "COCO"),
    ("dataset", "GSM-8K", "GSM8K"),
    ("hardware", "a single A100", "A100"),
    ("hardware", "NVIDIA H100", "H100"),
    ("hardware", "smartphones", "mobile"),
    ("hardware", "384 GCDs", "GCD"),
    ("hardware", "8x A100", "A100"),
    ("hardware", "8×A100 GPUs", "A100"),
    ("hardware", "a 24 GB RTX 4090 GPU", "RTX 4090"),
    ("hardware", "two NVIDIA H200 GPUs", "H200"),
    ("hardware", "1,024 GPUs", "GPU"),
    ("hardware", "2 Xeon CPUs", "Xeon"),
    ("model", "Llama-2 7B", "LLaMA-2-7B"),
    ("model", "llama2-13b", "LLaMA-2-13B"),
    ("model", "Qwen2.5-7B", "Qwen2.5-7B"),
    ("model", "ViT-B/16", "ViT-B/16"),
])
def test_canonical_names(field, phrase, name):
    assert canonical(field, phrase) == name


def test_unknown_spellings_keep_their_own_words():
    assert canonical("dataset", "  Kubric-4D ") == "Kubric-4D"
    assert canonical("model", "FooNet-7B") == "FooNet-7B"
    assert canonical("baseline", "the dense model") == "the dense model"
    assert canonical("hardware", "8 FooChip boards") == "8 FooChip boards"  # no known device: kept whole


def test_growing_the_vocabulary_needs_no_code_change(tmp_path):
    src = (ROOT / "ingest/extract/vocab/context.csv").read_text(encoding="utf-8")
    path = tmp_path / "context.csv"
    path.write_text(src + "dataset,kubric 4d,Kubric-4D (MOVi)\nmodel,foonet,FooNet\n", encoding="utf-8")
    vocab = load_vocab(path)
    assert canonical("dataset", "Kubric-4D", vocab) == "Kubric-4D (MOVi)"
    assert canonical("model", "foonet 7b", vocab) == "FooNet-7B"
    assert canonical("dataset", "ImageNet", vocab) == "ImageNet-1K"
    # and the context model uses the new entries as vocabulary hits, without retraining
    a = "We propose X. X improves accuracy by 2.1 points over Y."
    assert claim_context(a, [{"category": "quality", "text": "improves accuracy by 2.1 points"}], vocab=vocab)


@pytest.mark.parametrize("text,error", [
    ("field,spelling\nmetric,acc\n", "header"),
    ("field,spelling,canonical\ncolour,red,Red\n", "unknown field"),
    ("field,spelling,canonical\nmetric,acc,accuracy\nmetric,ACC,top-1 accuracy\n", "maps to both"),
    ("field,spelling,canonical\nmetric,,accuracy\n", "empty"),
])
def test_bad_vocabulary_files_say_what_is_wrong(tmp_path, text, error):
    path = tmp_path / "v.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        load_vocab(path)


def test_every_canonical_name_is_its_own_canonical_name():
    v = load_vocab()
    assert isinstance(v, Vocab)
    for field, names in v.names.items():
        for name in set(names.values()):
            assert v.canonical(field, name) == name, (field, name)


# ---------------------------------------------------------------- the gold sets, scored by score.py

def _load_scorer():
    spec = importlib.util.spec_from_file_location("gold_score", GOLD_DIR / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _context_scores(tmp_path, name: str, use_gold_claims: bool) -> dict:
    abstracts = {r["id"]: r for r in map(json.loads, open(GOLD_DIR / f"{name}.jsonl", encoding="utf-8"))}
    out = tmp_path / f"{name}.pred.jsonl"
    with open(GOLD_DIR / f"{name}.gold.jsonl", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        for line in f:
            g = json.loads(line)
            r = abstracts[g["id"]]
            if use_gold_claims:
                claims = [{k: v for k, v in c.items() if k not in CONTEXT_FIELDS} for c in g["claims"]]
                claims = [{**c, **ctx} for c, ctx in zip(claims, claim_context(r["abstract"], claims))]
            else:
                claims = extract(r["title"], r["abstract"])["claims"]
            w.write(json.dumps({"id": g["id"], "title": g["title"], "claims": claims}) + "\n")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        _load_scorer().main(str(GOLD_DIR / f"{name}.gold.jsonl"), str(out))
    report = buf.getvalue()
    line = next(ln for ln in report.splitlines() if ln.startswith("claim context F1"))
    scores = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}
    scores["report"] = line
    return scores


# The gold sets are also the training data of models/context.json, so these are in-sample figures (the
# cross-source and cross-validated ones are in the README). The floors guard against regressions (measured:
# seeds 0.805, arxiv 0.786); the bar is issue 18's acceptance (context_f1 >= 0.75 on each set).
FLOORS = {"seeds": 0.77, "arxiv": 0.78}
ACCEPTANCE = 0.75


@pytest.fixture(scope="module")
def gold_claim_scores(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("context")
    return {name: _context_scores(tmp, name, use_gold_claims=True) for name in ("seeds", "arxiv")}


@pytest.mark.parametrize("name", ["seeds", "arxiv"])
def test_context_f1_with_gold_claims(gold_claim_scores, name):
    scores = gold_claim_scores[name]
    assert scores["mean"] >= FLOORS[name], scores["report"]


@pytest.mark.parametrize("name", ["seeds", "arxiv"])
def test_context_f1_meets_the_acceptance_bar(gold_claim_scores, name):
    scores = gold_claim_scores[name]
    assert scores["mean"] >= ACCEPTANCE, scores["report"]


@pytest.mark.parametrize("name", ["seeds", "arxiv"])
def test_context_f1_with_extractor_claims(tmp_path, name):
    """As the product ships it: the extractor's own claims (only those matching gold are scored) get their
    context; measured seeds 0.804, arxiv 0.790."""
    scores = _context_scores(tmp_path, name, use_gold_claims=False)
    assert scores["mean"] >= ACCEPTANCE, scores["report"]


def test_context_training_is_deterministic():
    """`python -m ingest train-extractor` must write the same models/context.json from the same gold."""
    from ingest.extract import gold
    from ingest.extract.context_train import train

    papers = gold.load("arxiv", GOLD_DIR)[:40]
    first, second = (json.dumps(train(papers), sort_keys=True) for _ in range(2))
    assert first == second
    assert all(json.loads(first)["fields"][f]["rank"]["weights"] for f in LEARNED_FIELDS)


def test_a_phrase_the_vocabulary_lists_only_as_hardware_is_no_dataset():
    # "On a single A100, ..." reads like "On ImageNet, ...": the vocabulary says what it is
    abstract = "We propose FastAttn. On a single A100, FastAttn is 2.7x faster than FlashAttention-2."
    (claim,) = extract("FastAttn", abstract)["claims"]
    assert claim["hardware"] == "A100" and claim["dataset"] is None and claim["model"] is None
    assert claim["baseline"] == "FlashAttention-2"


def test_value_view_reuse_matches_a_second_placement():
    """When a claim's value is its whole span, `features` re-tags the span's placement instead of placing the
    candidate again; on the gold abstracts' own claims that must give exactly what a second pass gives."""
    from ingest.extract.context import locate_all
    from ingest.extract.context_features import candidates, claim_anchors, claim_scope, window

    vocab, checked = default_vocab(), 0
    rows = [json.loads(x) for x in open(GOLD_DIR / "seeds.jsonl", encoding="utf-8") if x.strip()][:120]
    for r, out in zip(rows, extract_many([r.get("title") for r in rows], [r.get("abstract") for r in rows])):
        text, claims = r["abstract"], out["claims"]
        toks = tokenize(text)
        for c, anchor in zip(claims, claim_anchors(toks, locate_all(text, claims))):
            if anchor is None or anchor[:2] != anchor[2:]:
                continue
            ci, cj = anchor[:2]
            lo, hi = window(toks, ci, cj)
            ctx = claim_scope(toks, ci, cj, lo, hi, c["category"], [], vocab, None, {})
            for cand in candidates(text, toks, ci, cj, c["category"], [], vocab, None, {}, (ci, cj)):
                _static, c1, p1, _rules, _kinds = ctx.static(cand.i, cand.j, "")
                by_span = ctx.placement("s:", cand.i, cand.j, ci, cj, c1, p1)
                assert ctx.retagged(by_span, cand.i, cand.j) == ctx.placement("v:", cand.i, cand.j, ci, cj, c1, p1)
                checked += 1
    assert checked > 1000


def test_hardware_memo_per_sentence_gives_what_a_fresh_scan_gives():
    """claim_context keeps each sentence's hardware phrases for its other claims (a long sentence scanned once
    per claim was quadratic); every claim's span is the one a scan of its own gets."""
    from ingest.extract.context_hardware import hardware_span

    text = ("On a single A100 GPU, our kernel is 2.1x faster than FlashAttention-2 and uses 30% less memory, "
            "and on H100 it reaches 3.4x higher throughput. It runs 1.5x faster on CPU. Accuracy drops by 0.2%.")
    toks = tokenize(text)
    names = default_vocab().names["hardware"]
    claims = [m.span() for m in re.finditer(r"\d+(?:\.\d+)?(?:x|%)", text)]
    anchors = [(next(k for k, t in enumerate(toks) if t.start >= s), max(k for k, t in enumerate(toks) if t.end <= e))
               for s, e in claims]
    memo: dict = {}
    shared = [hardware_span(toks, ci, cj, "speed", names, memo) for ci, cj in anchors]
    fresh = [hardware_span(toks, ci, cj, "speed", names) for ci, cj in anchors]
    assert shared == fresh and any(shared) and len(memo) == 3  # three sentences hold a claim


def test_claim_summary_says_what_the_window_holds():
    """The verifier's claim-level features: a named phrase after "On" in the sentence before the claim is a
    dataset cue of the context ("any:dcue|ctx"), and the vocabulary kinds of the window's phrases are there
    whichever phrase wins."""
    from ingest.extract.context_features import candidates, claim_summary

    text = "We study pruning. On ImageNet, our method keeps accuracy. It is 2.7x faster than the dense model."
    toks = tokenize(text)
    ci = next(k for k, t in enumerate(toks) if t.low == "2.7x")
    summary = claim_summary(candidates(text, toks, ci, ci + 1, "speed", [], default_vocab()))
    assert "any:dcue|ctx" in summary and "any:voc=dataset" in summary
    assert list(summary) == sorted(set(summary))


def test_cached_vocabulary_kinds_match_the_phrase_features():
    """`Candidate.kinds` (cached per phrase for `claim_summary`) says what the phrase's "voc=" features say."""
    vocab, checked = default_vocab(), 0
    papers = [{**r, **g} for r, g in zip(map(json.loads, open(GOLD_DIR / "seeds.jsonl", encoding="utf-8")),
                                         map(json.loads, open(GOLD_DIR / "seeds.gold.jsonl", encoding="utf-8")))]
    for _pi, _claim, _a, cands in claim_candidates(papers[:60], vocab):
        for c in cands:
            assert c.kinds == tuple("any:" + f for f in c.static if f.startswith("voc="))
            checked += bool(c.kinds)
    assert checked > 10
