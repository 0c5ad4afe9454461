"""Topics, map coordinates and semantic search over paper embeddings. Pure functions over numpy arrays.

- `cluster_topics`: k-means on the L2-normalised embeddings joined with a TF-IDF/SVD view of the full
  text (k chosen automatically by silhouette over a small range unless given), class-based TF-IDF
  keywords and a short label per topic, 2-D t-SNE map.
- `assign_to_topics` / `project`: new papers join the nearest existing topic and get map coordinates
  next to their nearest neighbours, without re-clustering.
- `search` / `neighbours`: cosine similarity (dot product of normalised vectors).

Choices are measured in `benchmarks/bench_embed.py` (results in `benchmarks/results/embed.md`).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

# --------------------------------------------------------------------------------------------------
# Words never used in keywords or labels
# --------------------------------------------------------------------------------------------------

# Generic words of paper abstracts: they say "this is a paper", not what it is about.
GENERIC_WORDS = frozenset(
    """
    paper papers propose proposed proposes proposing method methods approach approaches result results
    model models show shows showing shown demonstrate demonstrates demonstrated demonstrating novel new
    based using use used uses existing achieve achieves achieved achieving state-of-the-art
    state art sota experiment experiments experimental extensive extensively significant significantly
    improve improves improved improving improvement improvements outperform outperforms outperforming
    introduce introduces introduced introducing present presents presented work works study studies
    studied problem problems however also well first framework frameworks performance task tasks
    various different several many multiple key recent recently effective effectively efficiently
    provide provides provided enable enables enabling leverage leverages leveraging address addresses
    addressing challenge challenges challenging including include includes furthermore moreover
    specifically particular particularly code available github com https http www url project page
    superior competitive compared comparison comparable strong stronger robust evaluate evaluated
    evaluation evaluations benchmark benchmarks dataset datasets datasets large-scale wide widely range
    across within without via respectively able ability lack lacks limited limitation limitations
    remains remain crucial critical important issue issues prior previous conventional
    despite furthermore thus therefore even still yet often typically usually generally whether
    finally overall substantially substantial notably consistently consistent consistency achieving
    terms way ways set sets number numbers high higher low lower small smaller better best good
    directly simple simply general generalize generalizes main novelty insight insights design designed
    designs aim aims goal goals analysis analyze analyzes understanding understand explore explores
    explored exploring investigate investigates investigated real-world
    scenario scenarios setting settings application applications applied apply applying baseline
    baselines prove proves proven theoretical theoretically empirical empirically
    open-source source released release publicly called named termed dubbed
    """.split()
)


# Words that are fine inside a phrase ("large language models", "reinforcement learning", "training
# data") but say nothing on their own: never a keyword by themselves.
WEAK_WORDS = frozenset(
    """
    model models learning data training network networks system systems large small low
    ai language languages based task tasks information generation inference
    neural deep machine time level levels modeling modelling representation representations
    """.split()
)


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | (GENERIC_WORDS - WEAK_WORDS)


_SPLIT = re.compile(r"[.,;:!?()\[\]{}\"“”'‘’/\\|<>=+*&%$#@^~`]+|\s-\s|\s–\s|\s—\s")
# "large language models" is one concept; as 3-grams it gets cut ("multimodal large language").
_LLM = re.compile(r"\blarge language model(s?)\b")
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z]")


def _phrase_ngrams(text: str, stop: frozenset[str], max_n: int = 3) -> list[str]:
    """1..max_n-grams that never contain a stop/generic word and never cross punctuation.

    "Token pruning for vision transformers" -> token, pruning, token pruning, vision, transformers,
    vision transformers (so keywords read like phrases, not like "pruning vision").
    """
    out: list[str] = []
    text = _LLM.sub(r"llm\1", text.lower())
    for chunk in _SPLIT.split(text):
        run: list[str] = []
        for tok in _WORD.findall(chunk) + [""]:
            ok = tok and tok not in stop and not tok.replace("-", "").isdigit() and len(tok) > 1
            if ok:
                run.append(tok)
                continue
            for i in range(len(run)):
                for n in range(1, max_n + 1):
                    if i + n <= len(run):
                        gram = run[i : i + n]
                        if all(w in WEAK_WORDS for w in gram):
                            continue  # "learning", "large models": nothing on its own
                        out.append(" ".join(gram))
            run = []
    return out


def _stem(word: str) -> str:
    for suf in ("ies", "es", "s"):
        if word.endswith(suf) and len(word) > len(suf) + 2 and not word.endswith("ss"):
            return word[: -len(suf)] + ("y" if suf == "ies" else "")
    return word


def _stems(phrase: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in phrase.split())


PHRASE_BONUS = 1.0  # score multiplier per extra word: phrases read better than single words


def class_tfidf_keywords(
    texts: list[str], labels: np.ndarray, n_topics: int, top_n: int = 10, max_n: int = 3
) -> list[list[tuple[str, float]]]:
    """Class-based TF-IDF (BERTopic's c-TF-IDF) over phrase n-grams; distinct keywords per topic.

    score(t, c) = tf(t, c) / words(c) * log(1 + avg_words_per_class / tf(t, all)); a term must occur
    in at least 2 papers of its topic. Multi-word phrases get a small bonus so labels read as topics.
    """
    stop = _stop_words()
    counts = [Counter() for _ in range(n_topics)]
    docfreq = [Counter() for _ in range(n_topics)]
    for text, lab in zip(texts, labels):
        grams = _phrase_ngrams(text, stop, max_n)
        counts[int(lab)].update(grams)
        docfreq[int(lab)].update(set(grams))
    total = Counter()
    for c in counts:
        total.update(c)
    words_per_class = [sum(v for k, v in c.items() if " " not in k) or 1 for c in counts]
    avg = sum(words_per_class) / max(n_topics, 1)
    result: list[list[tuple[str, float]]] = []
    for c in range(n_topics):
        scored = []
        min_df = 2 if sum(1 for lab in labels if int(lab) == c) >= 4 else 1
        for term, tf in counts[c].items():
            if docfreq[c][term] < min_df:
                continue
            s = tf / words_per_class[c] * math.log(1 + avg / total[term])
            s *= 1.0 + PHRASE_BONUS * term.count(" ")
            scored.append((term, s))
        scored.sort(key=lambda x: (-x[1], x[0]))
        result.append(_distinct(scored, top_n))
    return result


def _distinct(scored: list[tuple[str, float]], top_n: int) -> list[tuple[str, float]]:
    """Keep the best phrases, dropping ones whose words are covered by a better one.

    A longer phrase that contains an already-chosen shorter one replaces it ("pruning" ->
    "token pruning") when it scores at least half as well.
    """
    chosen: list[tuple[str, float]] = []
    for term, s in scored:
        st = _stems(term)
        if any(st <= _stems(t) for t, _ in chosen):
            continue
        replaced = False
        for i, (t, s0) in enumerate(chosen):
            if _stems(t) < st and s >= 0.5 * s0:
                if not replaced:
                    chosen[i] = (term, s0)
                    replaced = True
                else:
                    chosen[i] = ("", 0.0)
        chosen = [(t, v) for t, v in chosen if t]
        if not replaced:
            chosen.append((term, s))
        # dedupe after replacement
        seen: set[frozenset[str]] = set()
        uniq = []
        for t, v in chosen:
            k = _stems(t)
            if k not in seen:
                seen.add(k)
                uniq.append((t, v))
        chosen = uniq
        if len(chosen) >= top_n * 2:
            break
    return chosen[:top_n]


def make_label(keywords: list[str], n: int = 3) -> str:
    """'multimodal llms, visual, video': the best distinct phrases, up to ~48 characters.

    The best multi-word phrase among the top five keywords leads (phrases read like topics), then
    the remaining keywords in score order.
    """
    parts: list[str] = []
    lead = next((kw for kw in keywords[:5] if " " in kw), None)
    ordered = ([lead] if lead else []) + [kw for kw in keywords if kw != lead]
    for kw in ordered:
        if len(parts) >= n:
            break
        if any(_stems(kw) <= _stems(p) for p in parts):
            continue  # "3d" after "3d scene"
        if parts and len(", ".join(parts + [kw])) > 48:
            break
        parts.append(kw)
    return ", ".join(parts) if parts else "misc"


# --------------------------------------------------------------------------------------------------
# Clustering
# --------------------------------------------------------------------------------------------------


@dataclass
class TopicModel:
    labels: np.ndarray  # (n,) topic id per paper
    centroids: np.ndarray  # (k, d) L2-normalised topic centres
    coords: np.ndarray  # (n, 2) map coordinates
    topics: list[dict]  # {topic_id, label, keywords, size}
    embeddings: np.ndarray | None = field(default=None, repr=False)  # the clustered vectors (for project)
    k_scores: dict[int, float] = field(default_factory=dict)  # silhouette per k tried (auto k only)

    @property
    def k(self) -> int:
        return int(self.centroids.shape[0])


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _kmeans(x: np.ndarray, k: int, seed: int, n_init: int = 10) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(x)
    return km.labels_.astype(np.int64), km.cluster_centers_


def auto_k_range(n: int) -> range:
    """Candidate numbers of topics for n papers: 4..12 (fewer for tiny collections)."""
    hi = max(2, min(12, n // 8))
    lo = min(4, hi)
    return range(lo, hi + 1)


def choose_k(x: np.ndarray, seed: int = 0, ks: range | None = None) -> tuple[int, dict[int, float]]:
    """Automatic k: the k with the best cosine silhouette among `ks` (sampled to <= 2000 points)."""
    from sklearn.metrics import silhouette_score

    ks = ks or auto_k_range(len(x))
    scores: dict[int, float] = {}
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(x), size=min(len(x), 2000), replace=False)
    for k in ks:
        if k < 2 or k >= len(x):
            continue
        lab, _ = _kmeans(x, k, seed, n_init=3)
        if len(set(lab[sample])) < 2:
            continue
        scores[k] = float(silhouette_score(x[sample], lab[sample], metric="cosine"))
    if not scores:
        return min(max(1, len(x)), 2 if len(x) >= 2 else 1), scores
    return max(scores, key=lambda k: (scores[k], -k)), scores


def map_coords(x: np.ndarray, seed: int = 0) -> np.ndarray:
    """2-D map: t-SNE on cosine distances (PCA for tiny inputs), scaled to about [-1, 1]."""
    n = len(x)
    if n == 0:
        return np.zeros((0, 2), dtype=np.float32)
    if n < 5:
        from sklearn.decomposition import PCA

        if n == 1:
            return np.zeros((1, 2), dtype=np.float32)
        c = PCA(n_components=min(2, n), random_state=seed).fit_transform(x)
        if c.shape[1] < 2:
            c = np.hstack([c, np.zeros((n, 1))])
    else:
        from sklearn.manifold import TSNE

        from sklearn.decomposition import PCA

        if x.shape[1] > 50 and n > 50:  # the usual t-SNE speed-up: PCA to 50 dimensions first
            x = PCA(n_components=50, random_state=seed).fit_transform(x)
        perplexity = float(min(30.0, max(2.0, (n - 1) / 3.0)))
        c = TSNE(
            n_components=2,
            perplexity=perplexity,
            metric="cosine",
            init="pca",
            max_iter=500,
            random_state=seed,
        ).fit_transform(x)
    c = c - c.mean(axis=0)
    scale = np.abs(c).max() or 1.0
    return (c / scale).astype(np.float32)


# Weight of the lexical part of the clustering features (see `cluster_features`).
LEXICAL_WEIGHT = 1.0
LEXICAL_DIMS = 100


def cluster_features(x: np.ndarray, texts: list[str] | None, seed: int = 0) -> np.ndarray:
    """What k-means clusters: [embedding | LEXICAL_WEIGHT * TF-IDF-SVD of the full text], each part L2-normalised.

    The fast embedder reads only the first 128 word pieces of a paper; TF-IDF reads all of it. On
    the 1,338-paper arXiv benchmark (k=7) this lifts NMI of the int8 seq-128 embeddings from 0.375
    to ~0.385 (labels by nearest centroid), on par with full-length fp32 embeddings alone (0.386);
    TF-IDF alone gives 0.29. See benchmarks/results/embed.md.
    Falls back to the embeddings alone for tiny collections.
    """
    n = len(x)
    if not texts or n < 10 or LEXICAL_WEIGHT <= 0:
        return x
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        tf = TfidfVectorizer(
            stop_words=sorted(w for w in _stop_words() if "-" not in w), min_df=2, sublinear_tf=True, max_features=50000
        ).fit_transform(texts)
    except ValueError:  # empty vocabulary
        return x
    dims = min(LEXICAL_DIMS, tf.shape[1] - 1, n - 1)
    if dims < 2:
        return x
    z = TruncatedSVD(dims, random_state=seed).fit_transform(tf)
    return np.hstack([x, LEXICAL_WEIGHT * _normalise(z)]).astype(np.float32)


def fit_labels(x: np.ndarray, feats: np.ndarray, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k-means on `feats`, then each paper's label = its nearest topic centre in embedding space.

    The last step is the rule `assign_to_topics` applies to new papers, so a paper and its
    near-duplicate always share a topic. Returns (labels, centroids (k, d) normalised).
    """
    n = len(x)
    k = int(max(1, min(k, n)))
    labels = _kmeans(feats, k, seed)[0] if k > 1 else np.zeros(n, dtype=np.int64)
    cent = _normalise(np.stack([x[labels == t].mean(axis=0) for t in sorted(set(labels.tolist()))]))
    return np.argmax(x @ cent.T, axis=1).astype(np.int64), cent


def cluster_topics(
    embeddings: np.ndarray, texts: list[str], k: int | None = None, seed: int = 0
) -> TopicModel:
    """Cluster papers into topics. `k=None`: automatic (silhouette); otherwise exactly `k` topics."""
    x = _normalise(embeddings)
    n = len(x)
    if n == 0:
        return TopicModel(
            labels=np.zeros(0, dtype=np.int64),
            centroids=np.zeros((0, x.shape[1] if x.ndim == 2 else 0), dtype=np.float32),
            coords=np.zeros((0, 2), dtype=np.float32),
            topics=[],
            embeddings=x,
        )
    feats = cluster_features(x, texts, seed)
    k_scores: dict[int, float] = {}
    if k is None:
        k, k_scores = choose_k(feats, seed)
    labels, cent = fit_labels(x, feats, k, seed)
    # Renumber topics by size (0 = largest), stable by first appearance.
    sizes = Counter(labels.tolist())
    order = sorted(sizes, key=lambda t: (-sizes[t], t))
    remap = {old: new for new, old in enumerate(order)}
    labels = np.array([remap[t] for t in labels.tolist()], dtype=np.int64)
    k = len(order)
    centroids = cent[order]
    kw = class_tfidf_keywords(texts, labels, k)
    topics = []
    used_labels: set[str] = set()
    for t in range(k):
        words = [w for w, _ in kw[t]]
        label = make_label(words)
        extra = 3
        while label in used_labels and extra < len(words):
            extra += 1
            label = make_label(words, n=extra)
        used_labels.add(label)
        topics.append(
            {"topic_id": t, "label": label, "keywords": words, "size": int((labels == t).sum())}
        )
    return TopicModel(
        labels=labels,
        centroids=centroids,
        coords=map_coords(feats, seed),
        topics=topics,
        embeddings=x,
        k_scores=k_scores,
    )


def assign_to_topics(new_embeddings: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Topic id of the nearest (cosine) centroid for each new vector."""
    x = _normalise(new_embeddings)
    if len(x) == 0 or len(centroids) == 0:
        return np.zeros(len(x), dtype=np.int64)
    return np.argmax(x @ _normalise(centroids).T, axis=1).astype(np.int64)


def project(new_embeddings: np.ndarray, model: TopicModel, n_neighbours: int = 5) -> np.ndarray:
    """Map coordinates for new papers: similarity-weighted mean of their nearest clustered papers."""
    return place_among(new_embeddings, model.embeddings, model.coords, n_neighbours)


def place_among(
    new_embeddings: np.ndarray, anchors: np.ndarray | None, anchor_xy: np.ndarray, n_neighbours: int = 5
) -> np.ndarray:
    """Map coordinates for new papers from papers already on the map (`anchors` vectors at `anchor_xy`)."""
    x = _normalise(new_embeddings)
    if len(x) == 0:
        return np.zeros((0, 2), dtype=np.float32)
    if anchors is None or len(anchors) == 0:
        return np.zeros((len(x), 2), dtype=np.float32)
    sims = x @ anchors.T
    kk = min(n_neighbours, anchors.shape[0])
    idx = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
    w = np.take_along_axis(sims, idx, axis=1)
    w = np.exp((w - w.max(axis=1, keepdims=True)) * 20.0)  # sharp: a near-duplicate sits on its original
    w /= w.sum(axis=1, keepdims=True)
    return np.einsum("nk,nkd->nd", w, anchor_xy[idx]).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------------------------


def _top(scores: np.ndarray, top_k: int) -> list[tuple[int, float]]:
    top_k = max(0, min(top_k, len(scores)))
    if top_k == 0:
        return []
    idx = np.argpartition(-scores, top_k - 1)[:top_k]
    idx = idx[np.lexsort((idx, -scores[idx]))]
    return [(int(i), float(scores[i])) for i in idx]


def search(query_vec: np.ndarray, matrix: np.ndarray, top_k: int = 10) -> list[tuple[int, float]]:
    """Rows of `matrix` most similar (cosine) to `query_vec`, best first: [(index, score)]."""
    if len(matrix) == 0:
        return []
    q = _normalise(query_vec)[0]
    return _top(_normalise(matrix) @ q, top_k)


def neighbours(i: int, matrix: np.ndarray, top_k: int = 10) -> list[tuple[int, float]]:
    """Nearest papers of paper `i` (cosine), itself excluded: [(index, score)]."""
    m = _normalise(matrix)
    scores = m @ m[i]
    scores[i] = -np.inf
    return [(j, s) for j, s in _top(scores, min(top_k, len(m) - 1))]
