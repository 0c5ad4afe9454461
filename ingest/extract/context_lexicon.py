"""Name stems of models and benchmarks mined, without labels, from unlabelled abstracts (`vocab/lexicon.csv`).

The context rankers see names as shapes ("Xxd-dX"), so a 2026 model or benchmark they never saw looks like
any other name. Unlabelled abstracts say more: a word written with a size ("Qwen3-8B", "Gemma 7B") names a
model family in every abstract that writes it, and a name after "on" / "across" or before "benchmark" /
"dataset" names a benchmark. This module mines those stems (a name's first run of letters, lower-cased:
"qwen", "mmlu") from real abstracts by those two shape rules only, never from gold labels; a stem is kept when
at least MIN_PAPERS abstracts use it that way. The ranker gets "lex=model" / "lex=dataset" for a name whose
stem is listed (a feature it weighs, not a lookup that decides).

    python -m ingest.extract.context_lexicon [--out FILE] [CORPUS_JSONL ...]   # writes vocab/lexicon.csv

By default the corpus is ../shared/corpora/arxiv-daily-*.jsonl without the abstracts of the gold sets
(tests/fixtures/gold), so that the held-out figures of the context stage are measured on abstracts the
lexicon never read.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

LEXICON_PATH = Path(__file__).resolve().parent / "vocab" / "lexicon.csv"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPORA = sorted((REPO.parent / "shared" / "corpora").glob("arxiv-daily-*.jsonl"))
GOLD_DIR = REPO / "tests" / "fixtures" / "gold"
MIN_PAPERS = 2
LEX_FIELDS = ("model", "dataset")

_STEM = re.compile(r"[a-z]+")
_SIZED = re.compile(r"(?:^|[-_./])\d+(?:\.\d+)?[bm](?:$|[-_./])", re.I)   # "Qwen3-8B", "Llama-2-7b-chat"
_BARE_SIZE = re.compile(r"^\d+(?:\.\d+)?[BM]$")                            # "Gemma 7B"
_PUNCT = "()[]{}\"'*,;:.!?“”‘’`<>"
BENCH_BEFORE = frozenset({"on", "across"})
BENCH_AFTER = frozenset({"benchmark", "benchmarks", "dataset", "datasets", "suite", "leaderboard"})


@lru_cache(maxsize=1 << 16)
def letters_stem(low: str) -> str | None:
    """The first run of letters of a lower-cased word when it has at least three ("qwen2.5-vl" -> "qwen",
    "mmlu-pro" -> "mmlu"): what a family's or a benchmark's versions share; None when too short to mean much."""
    m = _STEM.match(low)
    return m.group() if m and len(m.group()) >= 3 else None


def stem(word: str) -> str | None:
    """A name's stem (`letters_stem`); None for a word that is no name when mining (no capital after its first
    letter and no digit: "Model", "Results"), since sentence starts would otherwise look like names."""
    if not word or not word[0].isalpha() or not (any(ch.isdigit() for ch in word) or
                                                 any(ch.isupper() for ch in word[1:])):
        return None
    return letters_stem(word.lower())


def _words(text: str) -> list[str]:
    return [w.strip(_PUNCT) for w in text.split()]


def model_stems(text: str) -> Iterator[str]:
    """Stems of the names an abstract writes with a size ("Qwen3-8B", "Gemma 7B")."""
    words = _words(text)
    for k, w in enumerate(words):
        s = stem(w)
        if s and (_SIZED.search(w) or (k + 1 < len(words) and _BARE_SIZE.match(words[k + 1]))):
            yield s


def dataset_stems(text: str) -> Iterator[str]:
    """Stems of the names an abstract writes after "on" / "across" or before "benchmark" / "dataset"."""
    words = _words(text)
    for k, w in enumerate(words):
        s = stem(w)
        if s and ((k > 0 and words[k - 1].lower() in BENCH_BEFORE) or
                  (k + 1 < len(words) and words[k + 1].lower() in BENCH_AFTER)):
            yield s


def mine(abstracts: Iterable[str], min_papers: int = MIN_PAPERS) -> list[tuple[str, str, int]]:
    """(field, stem, abstracts using it so) for every stem at least `min_papers` abstracts use as that field,
    sorted: deterministic for the same abstracts in any order."""
    papers: dict[tuple[str, str], int] = defaultdict(int)
    for text in abstracts:
        for field, found in (("model", model_stems(text)), ("dataset", dataset_stems(text))):
            for s in set(found):
                papers[(field, s)] += 1
    return sorted((f, s, n) for (f, s), n in papers.items() if n >= min_papers)


def corpus_abstracts(paths: Iterable[Path], skip_ids: set[str], skip_texts: set[str]) -> list[str]:
    """The distinct abstracts (`summary`) of arXiv daily JSON-lines files, without those to skip."""
    seen, out = set(), []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            text = (rec.get("summary") or "").strip()
            if rec.get("id") in seen or rec.get("id") in skip_ids or " ".join(text.split()) in skip_texts:
                continue
            seen.add(rec.get("id"))
            out.append(text)
    return out


def gold_abstracts(folder: Path = GOLD_DIR) -> tuple[set[str], set[str]]:
    """The arXiv ids and abstracts (whitespace-normalised) of the gold papers: left out of the corpus."""
    ids, texts = set(), set()
    for path in folder.glob("*.jsonl"):
        if path.name.endswith(".gold.jsonl"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            ids.add(str(rec.get("arxiv_id") or "").split("v")[0])
            texts.add(" ".join((rec.get("abstract") or "").split()))
    return ids - {""}, texts


def write(rows: list[tuple[str, str, int]], path: Path = LEXICON_PATH) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["field", "stem", "papers"])
        w.writerows(rows)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, tuple[str, ...]]:
    """stem -> the fields (LEX_FIELDS order) the lexicon lists it under; empty when the file is absent."""
    if not Path(path).exists():
        return {}
    fields: dict[str, set[str]] = defaultdict(set)
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            fields[r["stem"]].add(r["field"])
    return {s: tuple(f for f in LEX_FIELDS if f in fs) for s, fs in fields.items()}


def main(args: list[str]) -> None:
    out = LEXICON_PATH
    if args[:1] == ["--out"]:
        out, args = Path(args[1]), args[2:]
    ids, texts = gold_abstracts()
    abstracts = corpus_abstracts([Path(p) for p in args] or DEFAULT_CORPORA, ids, texts)
    rows = mine(abstracts)
    write(rows, out)
    print(f"{len(abstracts)} abstracts -> {out} ({sum(r[0] == 'model' for r in rows)} model stems, "
          f"{sum(r[0] == 'dataset' for r in rows)} dataset stems)")


if __name__ == "__main__":
    main(sys.argv[1:])
