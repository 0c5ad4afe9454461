"""One canonical name per spelling of a metric, dataset, hardware or model, read from a data file.

The spellings live in `vocab/context.csv` (field, spelling, canonical) so that growing the vocabulary is an
edit to that file, never to code. Spellings match after lower-casing and dropping everything but letters and
digits ("LLaMA-2", "llama 2" and "Llama2" are one key) and a leading article or "single" ("a single A100").
A model phrase that is a known family followed by a size ("Llama-2 7B") becomes family-size ("LLaMA-2-7B").
A hardware phrase is named by its device: a leading count or memory size goes ("384 GCDs" -> "GCD", "8x
A100" and "a 24 GB RTX 4090 GPU" -> "A100", "RTX 4090"), and so do the words around a known device
("NVIDIA H200 GPUs" -> "H200"). Anything unknown keeps its own words. For the context rankers a Vocab also
holds the stems of its model and dataset spellings ("qwen", "mmlu") and the stems mined without labels from
unlabelled abstracts (`context_lexicon`, `vocab/lexicon.csv`): features for unseen versions, never names.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from .context_lexicon import LEXICON_PATH, letters_stem, load_lexicon

VOCAB_PATH = Path(__file__).resolve().parent / "vocab" / "context.csv"
FIELDS = ("metric", "dataset", "baseline", "hardware", "model")

_LEAD = re.compile(r"^(?:(?:the|a|an|one|single|our)\s+)+", re.I)
_SIZE = re.compile(r"^(.*?\w)[\s_-]*(\d+(?:\.\d+)?\s*[BMK])$", re.I)
# what may lead a hardware phrase without naming the device: a count ("384", "8x", "eight") or a memory size
_HARDWARE_LEAD = re.compile(r"^(?:\d+(?:[.,]\d+)?\s*[x×](?:\s+|(?=[A-Z0-9]))|\d+(?:[.,]\d+)?\s*(?i:gb|g|tb)?\s+"
                            r"|(?i:one|two|three|four|eight|sixteen|multiple|several|single|the|a|an)\s+)+")
_NOT_ALNUM = re.compile(r"[\W_]+")  # \W is exactly "not str.isalnum() and not '_'"
_NO_KINDS: frozenset[str] = frozenset()


def key(phrase: str) -> str:
    """The lookup key of a spelling: lower-case letters and digits only, without a leading article (one regex:
    a per-character generator cost twice as much; a memo costs more than it saves, phrases rarely recur)."""
    return _NOT_ALNUM.sub("", _LEAD.sub("", phrase.strip().lower()))


class Vocab:
    """Spellings -> canonical names per field; `canonical(field, phrase)` looks one up."""

    def __init__(self, rows: list[tuple[str, str, str]], mined: dict[str, tuple[str, ...]] | None = None):
        self.names: dict[str, dict[str, str]] = {f: {} for f in FIELDS}
        for n, (field, spelling, name) in enumerate(rows, start=2):
            if field not in self.names:
                raise ValueError(f"vocabulary row {n}: unknown field {field!r} (expected one of {FIELDS})")
            k = key(spelling)
            if not k or not name.strip():
                raise ValueError(f"vocabulary row {n}: empty spelling or canonical name")
            old = self.names[field].setdefault(k, name.strip())
            if old != name.strip():
                raise ValueError(f"vocabulary row {n}: {spelling!r} maps to both {old!r} and {name.strip()!r}")
        kinds: dict[str, set[str]] = {}
        for field, names in self.names.items():
            for k in names:
                kinds.setdefault(k, set()).add(field)
        self.kinds = {k: frozenset(fs) for k, fs in kinds.items()}  # key -> the fields listing it, for known_as
        self.stems = _stems(rows)
        self.mined = dict(mined or {})  # stem -> fields, mined without labels (context_lexicon)

    def lookup(self, field: str, phrase: str) -> str | None:
        """The canonical name of a known spelling, else None."""
        return self.names.get(field, {}).get(key(phrase or ""))

    def known_as(self, phrase: str) -> frozenset[str]:
        """The fields whose vocabulary lists this spelling (empty when none does)."""
        return self.kinds.get(key(phrase or ""), _NO_KINDS)

    def canonical(self, field: str, phrase: str) -> str:
        """The canonical name of `phrase` for `field`, or the phrase itself (stripped) when unknown."""
        phrase = (phrase or "").strip()
        known = self.lookup(field, phrase)
        if known:
            return known
        if field == "model":
            m = _SIZE.match(_LEAD.sub("", phrase))
            family = m and self.lookup("model", m.group(1))
            if family:
                return f"{family}-{m.group(2).replace(' ', '').upper()}"
        if field == "hardware":
            return self.device(phrase) or phrase
        return phrase

    def device(self, phrase: str) -> str | None:
        """The known device a hardware phrase names: its longest known run of words (the leftmost of equal
        length), a leading count or memory size aside ("384 GCDs" -> "GCD", "8x NVIDIA H200 GPUs" -> "H200");
        None when no run of its words is known."""
        words = _HARDWARE_LEAD.sub("", phrase).split()
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                known = self.lookup("hardware", " ".join(words[i:i + n]))
                if known:
                    return known
        return None


STEM_FIELDS = ("dataset", "model")


def _stems(rows: list[tuple[str, str, str]]) -> dict[str, tuple[str, ...]]:
    """stem -> the fields (STEM_FIELDS order) whose spellings start with it: the vocabulary's families and
    benchmarks, so that "Qwen3-VL-8B" or "MMLU-Redux" earn a feature though no row spells them."""
    found: dict[str, set[str]] = {}
    for field, spelling, _ in rows:
        s = letters_stem(_LEAD.sub("", spelling.strip().lower())) if field in STEM_FIELDS else None
        if s:
            found.setdefault(s, set()).add(field)
    return {s: tuple(f for f in STEM_FIELDS if f in fs) for s, fs in found.items()}


def load_vocab(path: str | Path = VOCAB_PATH, lexicon: str | Path | None = LEXICON_PATH) -> Vocab:
    """Read a vocabulary CSV with the header field,spelling,canonical (and the mined stems of `lexicon`)."""
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or not {"field", "spelling", "canonical"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected a header 'field,spelling,canonical'")
        rows = [(r["field"].strip(), r["spelling"] or "", r["canonical"] or "") for r in reader]
    return Vocab(rows, load_lexicon(Path(lexicon)) if lexicon else None)


@lru_cache(maxsize=1)
def default_vocab() -> Vocab:
    return load_vocab(VOCAB_PATH)


def canonical(field: str, phrase: str, vocab: Vocab | None = None) -> str:
    """The canonical name of `phrase` as a `field` (metric, dataset, baseline, hardware, model)."""
    return (vocab or default_vocab()).canonical(field, phrase)
