"""The name stems the context rankers see: mined without labels from unlabelled abstracts
(`context_lexicon`), and read off the vocabulary's spellings (`canonical.Vocab.stems`)."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from ingest.extract.canonical import default_vocab, load_vocab
from ingest.extract.context_features import candidates, tokenize
from ingest.extract.context_lexicon import (LEXICON_PATH, gold_abstracts, load_lexicon, mine, stem,
                                            write)

ROOT = Path(__file__).resolve().parents[1]


def test_a_stem_is_the_first_letters_of_a_name():
    assert stem("Qwen2.5-VL") == "qwen" and stem("MMLU-Pro") == "mmlu" and stem("GPT-4o") == "gpt"
    assert stem("Results") is None and stem("accuracy") is None  # no name: a sentence start or a plain word
    assert stem("A100") is None  # too short a stem to mean anything


def test_mining_reads_sizes_and_benchmark_cues_only():
    texts = ["We fine-tune FooLM-7B and FooLM2 13B on BarQA and report gains.",
             "FooLM-1.5B is evaluated across BarQA-Hard; the BazSet benchmark is harder.",
             "The BazSet dataset and FooLM-3B: Results improve."]
    rows = mine(texts)
    assert ("model", "foolm", 3) in rows and ("dataset", "barqa", 2) in rows and ("dataset", "bazset", 2) in rows
    assert not any(s == "results" for _, s, _ in rows)
    assert mine(list(reversed(texts))) == rows  # deterministic whatever the order


def test_the_shipped_lexicon_is_what_the_miner_writes_without_the_gold_abstracts(tmp_path):
    """The committed file is reproducible, and the gold abstracts (the held-out figures' test papers) are
    left out of what it was mined from."""
    corpora = sorted((ROOT.parent / "shared" / "corpora").glob("arxiv-daily-*.jsonl"))
    if not corpora:
        return  # the corpora live outside the repository; nothing to compare with here
    from ingest.extract.context_lexicon import corpus_abstracts

    ids, texts = gold_abstracts()
    abstracts = corpus_abstracts(corpora, ids, texts)
    assert ids and not any(" ".join(a.split()) in texts for a in abstracts)
    out = tmp_path / "lexicon.csv"
    write(mine(abstracts), out)
    assert out.read_text(encoding="utf-8") == LEXICON_PATH.read_text(encoding="utf-8")


def test_the_lexicon_file_is_well_formed():
    with open(LEXICON_PATH, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["field"] in ("model", "dataset") and r["stem"].isalpha() and int(r["papers"]) >= 2
                        for r in rows)
    assert set(load_lexicon()) == {r["stem"] for r in rows}


def test_an_unseen_version_of_a_known_family_earns_the_stem_feature():
    """"Qwen3-VL-8B" has no row of its own, but its stem is the vocabulary's "qwen": the ranker sees
    "stem=model" (and "lex=model" where the mined lexicon lists the stem)."""
    vocab = default_vocab()
    assert "model" in vocab.stems["qwen"] and "dataset" in vocab.stems["mmlu"]
    text = "We adapt Qwen3-VL-8B with our method. It is 2.7x faster than full fine-tuning."
    toks = tokenize(text)
    ci = next(k for k, t in enumerate(toks) if t.low == "2.7x")
    cands = candidates(text, toks, ci, ci + 1, "speed", [], vocab)
    name = next(c for c in cands if text[c.start:c.end] == "Qwen3-VL-8B")
    assert "stem=model" in name.static
    plain = next(c for c in cands if text[c.start:c.end] == "full fine-tuning")
    assert not any(f.startswith(("stem=", "lex=")) for f in plain.static)


def test_a_vocabulary_without_a_lexicon_file_has_no_mined_stems(tmp_path):
    vocab = load_vocab(lexicon=tmp_path / "absent.csv")
    assert vocab.mined == {} and vocab.stems  # the spellings' own stems stay


def test_the_miner_runs_as_a_command(tmp_path):
    """`python -m ingest.extract.context_lexicon FILE` mines the given JSON-lines file (here a tiny one)."""
    src = tmp_path / "daily.jsonl"
    src.write_text('{"id": "1", "summary": "FooLM-7B on BarQA."}\n{"id": "2", "summary": "FooLM-3B on BarQA."}\n',
                   encoding="utf-8")
    dest = tmp_path / "lexicon.csv"
    out = subprocess.run([sys.executable, "-m", "ingest.extract.context_lexicon", "--out", str(dest), str(src)],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "2 abstracts" in out and "1 model stems, 1 dataset stems" in out
    assert load_lexicon(dest) == {"foolm": ("model",), "barqa": ("dataset",)}
