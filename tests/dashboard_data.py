"""Dashboard databases made by hand: small ones for tests, 10,000-100,000 papers for the benchmark.

Why not the real pipeline: it needs the readers, the extractor and the model, and takes minutes at
100,000 papers. Here the text is real (sentences of the bundled sample abstracts) and every claim is a
real span of its abstract, but the numbers are drawn from a seeded generator, so tests know exactly
which papers match which filter.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ingest import store
from ingest.extract.canonical import canonical
from ingest.extract.plot_points import plotted_points
from ingest.extract.points import find_points
from ingest.frames import insert_frame
from ingest.points_rows import point_rows
from ingest.schema import EMBEDDING_DIM

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
DOMAINS = ["nlp", "vision", "speech", "systems", "robotics"]
METHODS = ["quantization", "pruning", "distillation", "speculative decoding", "sparse attention", "caching"]
TOPIC_LABELS = ["LLM inference", "Vision transformers", "Speech models", "Serving systems", "Robot policies"]
# What papers with a quality claim compare (cycled by i // 6): the quality claim gets metric and dataset, both
# claims baseline, hardware and model; each named in one closing sentence, so every span is real text.
CONTEXTS = [
    {"metric": "top-1 accuracy", "dataset": "ImageNet", "baseline": "FlashAttention-2", "hardware": "A100",
     "model": "Llama-2 7B"},
    {"metric": "top-1 accuracy", "baseline": "the dense model", "model": "ViT-B/16"},
    {"metric": "BLEU", "dataset": "WMT14", "baseline": "FlashAttention-2", "hardware": "H100"},
    {},
]
CONTEXT_WORDS = {"metric": "as {}", "dataset": "on {}", "baseline": "against {}", "hardware": "using {}",
                 "model": "with {}"}
EVIL_TITLE = '=HYPERLINK("http://x") <script>alert(1)</script> *bold*'


def real_sentences(limit: int = 5000) -> list[str]:
    """Sentences of the bundled sample dumps (real abstract text), long enough to read like one."""
    text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(SAMPLES.glob("*.txt")))
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text))
    sentences = [s for s in parts if 60 <= len(s) <= 300]
    if not sentences:  # pragma: no cover - the samples ship with the repo
        sentences = ["We study efficient inference for large models on commodity hardware."]
    return sentences[:limit]


def _claim_sentence(rng: np.random.Generator, i: int) -> tuple[str, list[dict], dict]:
    """A sentence with 0-2 quantified claims, the claim rows (spans relative to it) and derived numbers."""
    kind = i % 6
    derived: dict = {}
    claims: list[dict] = []
    if kind == 5:
        return "", claims, derived
    pieces: list[str] = []

    def add(text: str, category: str, value: float, unit: str, direction: str) -> None:
        start = sum(len(p) for p in pieces)
        claims.append(
            {"category": category, "value": value, "unit": unit, "direction": direction, "text": text,
             "start": start, "end": start + len(text)}
        )
        pieces.append(text)

    pieces.append("Our method achieves ")
    if kind in (0, 1, 2):
        speed = float(np.round(rng.uniform(1.1, 8.0), 1))
        add(f"a {speed}x speedup", "speed", speed, "x", "increase")
        derived["best_speedup"] = speed
    else:
        mem = float(np.round(rng.uniform(10, 90), 1))
        add(f"{mem}% less memory", "memory", mem, "%", "reduction")
        derived["memory_reduction"] = mem
    if kind in (0, 3):
        drop = float(np.round(rng.uniform(-3.0, 1.0), 1))
        direction = "drop" if drop < 0 else "gain"
        pieces.append(" with ")
        add(f"a {abs(drop)} point accuracy {direction}", "quality", abs(drop), "pp", direction)
        derived["quality_change"] = drop
    elif kind == 1:
        pieces.append(" with negligible accuracy loss")
        derived["quality_flag"] = "negligible"
        derived["quality_note"] = "negligible accuracy loss"
    pieces.append(".")
    return "".join(pieces), claims, derived


def _context_sentence(context: dict) -> str:
    if not context:
        return ""
    return " Quality is reported " + ", ".join(CONTEXT_WORDS[k].format(v) for k, v in context.items()) + "."


def _context_columns(abstract: str, context: dict, fields: tuple[str, ...]) -> dict:
    """The claim's context columns for the named fields (the last place each phrase occurs in the abstract)."""
    out: dict = {}
    for field in fields:
        phrase = context.get(field)
        if phrase:
            start = abstract.rindex(phrase)
            out.update({field: phrase, f"{field}_start": start, f"{field}_end": start + len(phrase),
                        f"{field}_canonical": canonical(field, phrase)})
    return out


def make_db(
    path: Path, n_papers: int = 60, seed: int = 0, n_ingests: int = 2, topics: bool = True, n_topics: int = 5
) -> Path:
    """Write a complete dashboard database with `n_papers` papers to `path` and return the path.

    Paper i: domains [DOMAINS[i % 5]] (plus 'systems' when i % 7 == 0), topic i % n_topics, year 2020 + i % 6,
    upload 1 + i % n_ingests, claims as `_claim_sentence(i)`; paper 0 has a hostile title. A paper with a quality
    claim (i % 6 in 0, 3) names the context CONTEXTS[(i // 6) % 4] in a closing sentence.
    """
    rng = np.random.default_rng(seed)
    sentences = real_sentences()
    con = store.connect(path)
    now = datetime(2026, 1, 1)
    papers, sources, extractions, claims = [], [], [], []
    plotted: dict[str, list[dict]] = {}  # the trade-off points, paired by the real extract/points.py
    vectors = rng.normal(size=(n_papers, EMBEDDING_DIM)).astype(np.float32)
    centres = rng.normal(size=(n_topics, EMBEDDING_DIM)).astype(np.float32) * 3
    for i in range(n_papers):
        topic = i % n_topics
        vectors[i] += centres[topic]
        picks = rng.choice(len(sentences), size=3, replace=False)
        lead = " ".join(sentences[j] for j in picks)
        claim_text, claim_rows, derived = _claim_sentence(rng, i)
        context = CONTEXTS[(i // 6) % len(CONTEXTS)] if i % 6 in (0, 3) else {}
        abstract = lead + (" " + claim_text if claim_text else "") + _context_sentence(context)
        offset = len(lead) + 1
        pid = f"p{i:06d}"
        title = EVIL_TITLE if i == 0 else f"{METHODS[i % len(METHODS)].title()} study {i}: {sentences[picks[0]][:60]}"
        papers.append(
            {
                "id": pid, "title": title, "abstract": abstract, "authors": [f"Author {i}", "A. N. Other"],
                "date": f"{2020 + i % 6}-01-15", "year": 2020 + i % 6, "arxiv_id": f"2{i % 6:01d}01.{i:05d}",
                "doi": None, "url": f"https://arxiv.org/abs/2{i % 6:01d}01.{i:05d}", "categories": ["cs.LG"],
                "title_key": store.normalise_title(title) + f" {i}", "text_key": f"tk{i:06d}", "added_at": now,
            }
        )
        sources.append({"paper_id": pid, "ingest_id": 1 + i % n_ingests, "record_index": i + 1})
        domains = [DOMAINS[i % 5]] + (["systems"] if i % 7 == 0 and DOMAINS[i % 5] != "systems" else [])
        extractions.append(
            {
                "paper_id": pid, "extractor_version": "test", "method": METHODS[i % len(METHODS)],
                "domains": domains, "tradeoffs": ["speed-quality"], "quality_note": derived.get("quality_note"),
                "n_claims": len(claim_rows), "best_speedup": derived.get("best_speedup"),
                "memory_reduction": derived.get("memory_reduction"), "compute_reduction": None,
                "size_reduction": None, "token_reduction": None, "energy_reduction": None,
                "cost_reduction": None, "quality_change": derived.get("quality_change"),
                "quality_flag": derived.get("quality_flag"),
            }
        )
        located = [{**c, "start": offset + c["start"], "end": offset + c["end"]} for c in claim_rows]
        note = derived.get("quality_note")
        plotted[pid] = plotted_points(abstract, located, find_points(abstract, located, note), note)
        for idx, c in enumerate(claim_rows):
            claims.append(
                {"paper_id": pid, "idx": idx, "category": c["category"], "value": c["value"], "low": None,
                 "from_value": None, "unit": c["unit"], "direction": c["direction"], "bound": None,
                 "text": c["text"], "start_char": offset + c["start"], "end_char": offset + c["end"],
                 **_context_columns(abstract, context, ("metric", "dataset", "baseline", "hardware", "model")
                                    if c["category"] == "quality" else ("baseline", "hardware", "model"))}
            )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ingest_rows = [
        {"id": k, "file_name": f"upload-{k}.jsonl", "format": "arxiv_jsonl", "sha256": f"{k:064d}",
         "started_at": now, "finished_at": now, "n_records": sum(s["ingest_id"] == k for s in sources),
         "n_new": sum(s["ingest_id"] == k for s in sources), "n_duplicates": 0, "n_skipped": 0,
         "skipped": json.dumps([])}
        for k in range(1, n_ingests + 1)
    ]
    with store.transaction(con):
        insert_frame(con, "ingests", pd.DataFrame(ingest_rows))
        insert_frame(con, "papers", pd.DataFrame(papers, columns=store.PAPER_COLUMNS))
        insert_frame(con, "paper_sources", pd.DataFrame(sources))
        frame = pd.DataFrame(extractions, columns=store.EXTRACTION_COLUMNS)
        insert_frame(con, "extractions", frame)
        insert_frame(con, "claims", pd.DataFrame(claims, columns=store.CLAIM_COLUMNS))
        insert_frame(con, "points", point_rows(plotted))
        store.write_embeddings(con, {p["text_key"]: vectors[i] for i, p in enumerate(papers)}, "test")
    if topics:
        labels = np.arange(n_papers) % n_topics
        angle = labels * (2 * np.pi / n_topics)
        coords = np.c_[np.cos(angle) * 5, np.sin(angle) * 5] + rng.normal(size=(n_papers, 2))
        cents = np.stack([vectors[labels == t].mean(axis=0) for t in range(n_topics)])
        names = [TOPIC_LABELS[t % 5] + ("" if t < 5 else f" {t // 5 + 1}") for t in range(n_topics)]
        topic_rows = [
            {"topic_id": t, "label": names[t], "keywords": names[t].lower().split(), "size": int((labels == t).sum())}
            for t in range(n_topics)
        ]
        store.save_topic_run(
            con, [p["id"] for p in papers], labels, coords, topic_rows, cents, n_topics, {"k": n_topics}
        )
    con.close()
    return path
