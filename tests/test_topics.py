"""Topics, labels, map projection and semantic search (real model on the seeds, fake vectors for the rest)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ingest import embedder as E
from ingest import topics as T

SEEDS = Path(__file__).parent / "fixtures" / "gold" / "seeds.jsonl"

# Seed papers about making models cheaper (pruning, quantisation, sparse attention, MoE inference ...)
EFFICIENCY = [
    "000-0", "000-3", "000-4", "000-8", "000-14", "000-21", "000-22", "000-25",
    "000-57", "001-67", "001-70", "001-143", "001-165", "001-167",
]
# Seed papers about fairness (fair allocation, group fairness, fairness in federated learning ...)
FAIRNESS = ["000-58", "001-58", "001-68", "001-81", "001-90", "001-119", "001-161", "001-193", "001-199"]


@pytest.fixture(scope="module")
def seeds():
    rows = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


@pytest.fixture(scope="module")
def seed_model(seeds):
    emb = E.get_embedder()
    texts = [E.paper_text(r["title"], r["abstract"]) for r in seeds]
    vecs = emb.embed(texts)
    return emb, texts, vecs, T.cluster_topics(vecs, texts, seed=0)


def _majority(model, idx):
    return Counter(model.labels[idx].tolist()).most_common(1)[0]


def test_efficiency_and_fairness_papers_land_in_different_topics(seeds, seed_model):
    _, _, _, model = seed_model
    pos = {r["id"]: i for i, r in enumerate(seeds)}
    eff = [pos[i] for i in EFFICIENCY]
    fair = [pos[i] for i in FAIRNESS]
    eff_topic, eff_n = _majority(model, eff)
    fair_topic, fair_n = _majority(model, fair)
    assert eff_topic != fair_topic, model.topics
    # and the groups are mostly coherent: few fairness papers sit in the efficiency topic and vice versa
    assert sum(model.labels[fair] == eff_topic) <= len(fair) // 3
    assert sum(model.labels[eff] == fair_topic) <= len(eff) // 3
    assert fair_n >= len(fair) // 2


def test_automatic_k_and_topic_shapes(seed_model):
    _, texts, vecs, model = seed_model
    assert 4 <= model.k <= 12
    assert model.labels.shape == (len(texts),)
    assert model.centroids.shape == (model.k, E.DIM)
    assert model.coords.shape == (len(texts), 2) and np.isfinite(model.coords).all()
    assert sum(t["size"] for t in model.topics) == len(texts)
    assert [t["topic_id"] for t in model.topics] == list(range(model.k))
    assert len({t["label"] for t in model.topics}) == model.k  # labels are distinct
    more = T.cluster_topics(vecs, texts, k=model.k + 3, seed=0)
    assert more.k == model.k + 3


def test_labels_read_like_topics_not_stop_words(seed_model):
    _, _, _, model = seed_model
    banned = ENGLISH_STOP_WORDS | (T.GENERIC_WORDS - T.WEAK_WORDS)  # "propose", "method", "paper" ...
    for topic in model.topics:
        words = re.findall(r"[a-z0-9-]+", topic["label"])
        assert words, topic
        assert not set(words) & banned, topic
        assert len(topic["keywords"]) >= 5
        for kw in topic["keywords"]:
            assert not set(kw.split()) & banned, kw
            assert not set(kw.split()) <= T.WEAK_WORDS, kw  # never just "models" or "learning"
    # at least some labels are multi-word phrases
    assert any(" " in kw for t in model.topics for kw in t["keywords"][:3])


def test_title_query_finds_its_paper_first(seeds, seed_model):
    emb, _, vecs, _ = seed_model
    for i in (0, 17, 58, 140, 250):
        q = emb.embed([seeds[i]["title"]])[0]
        hits = T.search(q, vecs, top_k=5)
        assert hits[0][0] == i, (seeds[i]["title"], hits)
        assert hits[0][1] >= hits[1][1]


def test_near_duplicate_joins_its_originals_topic_and_map_spot(seeds, seed_model):
    """A lightly edited copy of a paper joins its original's topic and lands next to it on the map.

    Only a paper sitting right on the border between two topics (its two nearest centres within
    0.02 cosine) may flip; those are rare.
    """
    emb, _, vecs, model = seed_model
    idx = list(range(0, len(seeds), 9))  # ~30 papers
    dups = []
    for i in idx:
        r = seeds[i]
        dups.append(E.paper_text(r["title"], r["abstract"].replace(".", ";", 1) + " Code is available."))
    v = emb.embed(dups)
    got = T.assign_to_topics(v, model.centroids)
    sims = np.sort(vecs[idx] @ model.centroids.T, axis=1)
    margin = sims[:, -1] - sims[:, -2]
    same = got == model.labels[idx]
    assert same[margin > 0.02].all(), [(i, m) for i, m, ok in zip(idx, margin, same) if not ok]
    assert same.mean() >= 0.9
    xy = T.project(v, model)
    assert (np.linalg.norm(xy - model.coords[idx], axis=1) < 0.1).mean() >= 0.9
    # the original papers themselves: their stored topic is exactly what assign_to_topics says
    assert (T.assign_to_topics(vecs, model.centroids) == model.labels).all()


# -------------------------------------------------------------------- pure functions, fake vectors


def _toy():
    groups = {
        "vision": "vision transformer token pruning image classification flops patch tokens",
        "llm": "language model quantization kv cache long context memory decoding",
        "fair": "group fairness demographic parity fair allocation bias mitigation",
    }
    texts, truth = [], []
    rng = np.random.default_rng(0)
    for g, (name, words) in enumerate(groups.items()):
        w = words.split()
        for j in range(15):
            pick = rng.choice(w, size=6, replace=False)
            texts.append(f"{' '.join(pick).capitalize()} paper {j}. We propose a method for {' '.join(pick)}.")
            truth.append(g)
    return texts, np.array(truth)


def test_fake_vectors_cluster_by_group_with_k_override():
    texts, truth = _toy()
    vecs = E.FakeEmbedder().embed(texts)
    model = T.cluster_topics(vecs, texts, k=3, seed=0)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(truth, model.labels) > 0.9
    labels = " ".join(t["label"] for t in model.topics)
    assert "propose" not in labels and "method" not in labels and "paper" not in labels


def test_search_and_neighbours_exclude_self_and_sort():
    rng = np.random.default_rng(1)
    m = rng.normal(size=(20, 8)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    hits = T.search(m[4], m, top_k=3)
    assert hits[0][0] == 4 and abs(hits[0][1] - 1.0) < 1e-5
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    nb = T.neighbours(4, m, top_k=5)
    assert len(nb) == 5 and 4 not in [j for j, _ in nb]
    assert nb[0][0] == int(np.argsort(-(m @ m[4]))[1])
    assert T.neighbours(0, m[:1], top_k=3) == []
    assert T.search(m[0], m[:0], top_k=3) == []


def test_tiny_inputs_do_not_crash():
    fake = E.FakeEmbedder()
    for n in (0, 1, 2, 3, 6):
        texts = [f"topic words number {i} about pruning" for i in range(n)]
        model = T.cluster_topics(fake.embed(texts), texts)
        assert model.labels.shape == (n,) and model.coords.shape == (n, 2)
        assert T.project(fake.embed(["pruning words"]), model).shape == (1, 2)
        assert T.assign_to_topics(fake.embed(["pruning"]), model.centroids).shape == (1,)


def test_far_papers_are_unassigned_and_members_are_not():
    texts, truth = _toy()
    vecs = E.FakeEmbedder().embed(texts)
    model = T.cluster_topics(vecs, texts, k=3, seed=0)
    assert model.thresholds.shape == (3,)
    assert (T.assign_or_unassigned(vecs, model.centroids, model.thresholds) == model.labels).all()
    far = E.FakeEmbedder().embed(["Sourdough hydration and oven spring of rustic loaves"])
    assert T.assign_or_unassigned(far, model.centroids, model.thresholds).tolist() == [T.UNASSIGNED]
    assert T.assign_or_unassigned(far, model.centroids, None).tolist() == T.assign_to_topics(far, model.centroids).tolist()


@pytest.mark.parametrize("n, k", [(278, 8), (1_338, 18), (1_692, 21), (10_000, 50), (1_000_000, 60)])
def test_automatic_k_grows_with_the_collection(n, k):
    assert T.auto_k(n) == k
    assert k in T.auto_k_range(n) and max(T.auto_k_range(n)) <= T.MAX_AUTO_K


def test_large_collections_map_a_sample_and_place_the_rest(monkeypatch):
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 16))
    x = np.repeat(centres, 150, axis=0) + 0.05 * rng.normal(size=(600, 16))
    monkeypatch.setattr(T, "EXACT_KMEANS_MAX", 100)  # mini-batch k-means, as above 20,000 papers
    xy = T.map_coords(T._normalise(x), seed=0, sample=200)
    assert xy.shape == (600, 2) and np.isfinite(xy).all()
    group = np.repeat(np.arange(4), 150)
    spread = max(np.linalg.norm(xy[group == g] - xy[group == g].mean(0), axis=1).mean() for g in range(4))
    gaps = min(np.linalg.norm(xy[group == a].mean(0) - xy[group == b].mean(0)) for a in range(4) for b in range(a + 1, 4))
    assert spread < gaps / 2  # placed papers sit with their group
    labels, _ = T.fit_labels(T._normalise(x), T._normalise(x), 4, seed=0)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(group, labels) > 0.95


def _counted_keywords(texts, labels, n_topics, top_n=10):
    """The c-TF-IDF formula with plain Counters (the implementation before the sparse one)."""
    import math

    stop = T._stop_words()
    counts = [Counter() for _ in range(n_topics)]
    docfreq = [Counter() for _ in range(n_topics)]
    for text, lab in zip(texts, labels):
        grams = T._phrase_ngrams(text, stop, 3)
        counts[lab].update(grams)
        docfreq[lab].update(set(grams))
    total = sum(counts, Counter())
    words = [sum(v for k, v in c.items() if " " not in k) or 1 for c in counts]
    avg = sum(words) / n_topics
    out = []
    for c in range(n_topics):
        min_df = 2 if sum(1 for lab in labels if lab == c) >= 4 else 1
        scored = [(t, tf / words[c] * math.log(1 + avg / total[t]) * (1.0 + T.PHRASE_BONUS * t.count(" ")))
                  for t, tf in counts[c].items() if docfreq[c][t] >= min_df]
        scored.sort(key=lambda x: (-x[1], x[0]))
        out.append([w for w, _ in T._distinct(scored, top_n)])
    return out


def test_sparse_keywords_read_the_same_as_counting(seeds):
    texts = [E.paper_text(r["title"], r["abstract"]) for r in seeds]
    labels = np.arange(len(texts)) % 5
    assert [[w for w, _ in k] for k in T.class_tfidf_keywords(texts, labels, 5)] == _counted_keywords(texts, labels, 5)
    sample = T.label_sample(np.array([0] * 5000 + [1] * 10), 2, per_topic=100)
    assert len(sample) == 110 and (np.diff(sample) > 0).all()
