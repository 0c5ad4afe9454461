"""The name a paper gives its own method, system, model, benchmark or dataset (GUIDELINES.md, `method`).

Rules, in order (the first that fires wins):

1. The title's head before a colon / dash, when it reads like a name ("Turbo: ...", "PAROAttention: ...",
   "SPLADE v2: ...", "Recycled Attention: ...") and not like a phrase ("Towards ...", "Rethinking ...",
   "Beyond Efficiency: ...").  A long-form head that the abstract spells out with an acronym
   ("Segment Policy Optimization (SPO)") gives the acronym.
2. An acronym in parentheses at the end of the title ("Probabilistic Partitive Partitioning (PPP)").
3. A short noun-phrase title that the abstract itself uses as a name ("Stochastic activations",
   "Graph Parsing Networks" -> "Graph Parsing Network (GPN)" -> "GPN").
4. The first name the abstract introduces as its own: "we propose X", "we introduce X, a ...",
   "a framework called / named / dubbed X", "Long Name (ACR)" -> "ACR".
5. None -- surveys, analyses and studies usually name nothing of their own.

Pure regex work; every pattern is bounded so there is no catastrophic backtracking.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Iterator

from . import tfidf_linear as linear
from .claim_patterns import lower_twin
from .regex_prefixes import match_prefixes
from .wordscan import (WORD, anchored_finditer, finditer_at, literal_starts, lowered, space_start,
                       word_starts)

# A "name-like" token: has an upper-case letter after its first character (mmMamba, DynaICL, MoE), a digit
# mixed with letters (VQ4DiT, B4), is all capitals (KOALA, PARL), or carries name punctuation (MoE++).
_TOKEN = r"[^\W_][\w\-+^$@/{}.'’]*[\w+^$}]|[^\W_]"
_TOKEN_RE = re.compile(_TOKEN)

# Generic technical vocabulary that looks like a name but never is the paper's own.
_GENERIC = {
    "llm", "llms", "mllm", "mllms", "vlm", "vlms", "lvlm", "lvlms", "lm", "lms", "slm", "slms", "ai", "ml",
    "dl", "nlp", "cv", "rl", "drl", "marl", "gpu", "gpus", "cpu", "cpus", "tpu", "tpus", "npu", "fpga", "asic",
    "moe", "moes", "smoe", "gnn", "gnns", "cnn", "cnns", "rnn", "rnns", "lstm", "vit", "vits", "mlp", "mlps",
    "ssm", "ssms", "kv", "rag", "qa", "vqa", "ir", "api", "apis", "sota", "ood", "iid", "gan", "gans", "vae",
    "vaes", "dit", "dits", "t2i", "t2v", "tts", "nas", "peft", "lora", "fft", "sgd", "ppo", "dpo", "grpo",
    "rlhf", "bo", "gp", "gps", "mcts", "fl", "dp", "pca", "svd", "bert", "gpt", "gpt-4", "gpt-3", "gpt-3.5",
    "chatgpt", "llama", "llama-2", "llama2", "llama3", "mistral", "clip", "imagenet", "coco", "glue", "resnet",
    "resnet-50", "transformer", "transformers", "mamba", "ucb", "knn", "ner", "pos", "mt", "nmt", "sql", "cot",
    "icl", "io", "flops", "macs", "ram", "dram", "hbm", "sram", "cuda", "mse", "mae", "mdp", "mdps", "sae",
    "saes", "pomdp", "pomdps", "auc", "roc", "map", "fid", "wer", "bleu", "rouge", "iot", "ar", "vr", "ptq",
    "qat", "ttft", "tpot", "slo", "slos", "sla", "hpc", "sparql", "json", "html", "url", "pdf", "us", "eu",
    "uk", "k", "n", "x", "i", "ii", "iii", "iv", "ml-based", "llm-based", "ai-driven", "llm-driven",
}
_GENERIC_SUFFIX = re.compile(
    r"(?i)-(?:based|driven|aware|free|efficient|level|wise|style|like|specific|agnostic|guided|powered|"
    r"enhanced|augmented|scale|sized|centric|oriented|only|bit|time|shot|step|stage|tuned|trained|"
    r"scale|grained|ready|friendly|intensive)$")

_FUNCTION_WORDS = {
    "a", "an", "the", "of", "for", "in", "on", "to", "with", "and", "or", "via", "by", "from", "at", "as",
    "into", "is", "are", "be", "its", "their", "our", "we", "this", "that", "these", "those", "using",
    "towards", "toward", "beyond", "through", "over", "under", "without", "when", "how", "what", "why",
    "do", "does", "can", "not", "all", "you", "your", "us", "it", "than", "more", "less", "new",
}
# Words that open a descriptive (not naming) title head.
_BAD_HEAD = {
    "towards", "toward", "beyond", "rethinking", "revisiting", "on", "a", "an", "the", "when", "how",
    "what", "why", "do", "does", "is", "are", "can", "should", "survey", "review", "position",
    "understanding", "exploring", "investigating", "demystifying", "unveiling", "unlocking", "scaling",
    "improving", "learning", "faster", "simple", "less", "more", "not", "no", "all",
    "into", "from", "beating", "democratizing", "transforming", "reproducibility", "lessons", "lets",
    "let's", "hype", "fairness", "tutorial", "overview", "benchmarking", "evaluating", "measuring",
    "quantifying", "analyzing", "analysing", "characterizing", "probing", "mind", "don't", "inference",
}

_INTRO_VERB = re.compile(
    r"(?i)\b(?:we|this (?:paper|work|study|article)|in this (?:paper|work))\s+(?:first\s+|then\s+|further\s+|"
    r"also\s+|additionally\s+|thus\s+|therefore\s+|hence\s+|here\s+|now\s+|exploratively\s+|newly\s+)?"
    r"(?:propose[sd]?|present(?:s|ed)?|introduce[sd]?|develop(?:s|ed)?|design(?:s|ed)?|build|built|builds|"
    r"create[sd]?|devise[sd]?|construct(?:s|ed)?|implement(?:s|ed)?|release[sd]?|establish(?:es|ed)?|"
    r"curate[sd]?|offer(?:s|ed)?|contribute[sd]?|derive[sd]?|realize[sd]?|realise[sd]?|consider|"
    r"put forward|formulate[sd]?)\b")
_CALL_IT = r"\s+(?:call|name|term|dub|coin)\s+(?:it|this|them|our \w+(?: \w+)?|the \w+(?: \w+)?)(?:\s+as)?"
_NAMING = re.compile(  # every branch opens with a literal word: see wordscan.py
    r"(?i)\b(?:called|named(?:\s+as)?|dubbed|termed|coined|we" + _CALL_IT + "|to" + _CALL_IT + r"|referred to as|"
    r"refer to (?:it|this|them|these \w+|the \w+(?: \w+)?) as|known as)\s+")
_OUR_APPROACH = re.compile(
    r"(?i)\bour\s+(?:proposed\s+|new\s+|novel\s+)?(?:(?:method|approach|framework|model|system|algorithm|"
    r"technique|benchmark|dataset|architecture|tool|strategy|scheme|pipeline|module|solution)s?\s*,?\s+|"
    r"(?=[^\s,.]+\s+(?:model|method|approach|framework|system|algorithm|architecture|benchmark|dataset)s?\b))")
_QUOTED = re.compile(r"^(?:``|''|\"|“|')\s*([^\"”'`]{2,40}?)\s*(?:''|\"|”|'|``)")
_TITLE_ACR = re.compile(r"\(\s*(" + _TOKEN + r")\s*\)\s*$")
_MARKUP = re.compile(r"\*\*|\\(?=[A-Za-z])|\$")


_DASH_SLASH = re.compile(r"[-/]")
_SPACE_DASH = re.compile(r"[\s\-]+")
_CAP_DIGITS = re.compile(r"[A-Z][a-z]?\d+")
_NAME_PUNCT = re.compile(r"[+^@$]")
_ING = re.compile(r"[a-z]+ing")
_ING_LY = re.compile(r"[a-z]+(?:ing|ly)")


@lru_cache(maxsize=1 << 15)  # pure; the words after "we propose" repeat from abstract to abstract
def _is_namelike(tok: str) -> bool:
    """A token written like a proper name of an artefact (not an ordinary word)."""
    t = tok.strip(".,;:'’")
    if len(t) < 2 or t.lower() in _GENERIC or ("-" in t and _GENERIC_SUFFIX.search(t)):
        return False
    if not t[0].isalpha() or _KNOWN_MODEL.match(t):
        return False
    parts = [q for q in _DASH_SLASH.split(t) if q]
    if len(parts) > 1 and all(q.lower() in _GENERIC or q.islower() for q in parts):
        return False  # "LLM-agent", "ViT-based"
    for q in parts:
        letters = [c for c in q if c.isalpha()]
        if any(c.isupper() for c in q[1:]) and letters:
            return True  # mmMamba, DynaICL, MoE, Fed-SB, SN-Netv2 (not "Super-Resolution")
        if any(c.isdigit() for c in q) and letters and len(q) > 2:
            return True  # VQ4DiT, LeCaRDv2
    if _CAP_DIGITS.fullmatch(t):
        return True  # B4, T5
    return bool(_NAME_PUNCT.search(t)) and t[0].isupper()


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c in "-_"


def _find_word(hay: str, needle: str, plural: bool = False) -> int:
    """Index of `needle` in `hay` standing as a whole word (optionally followed by 's'), else -1.

    Plain substring search instead of a regex built from the needle: dynamic patterns would each need compiling.
    """
    if not needle:
        return -1
    i = hay.find(needle)
    while i >= 0:
        j = i + len(needle)
        if plural and j < len(hay) and hay[j] == "s":
            j += 1
        if (i == 0 or not _is_word_char(hay[i - 1])) and (j >= len(hay) or not _is_word_char(hay[j])):
            return i
        i = hay.find(needle, i + 1)
    return -1


_LATEX_CMD = re.compile(
    r"\\?(?:emph|textbf|textit|textsc|texttt|textrm|mathrm|mathbf|mathcal|mathsf|text)\{([^{}]{0,60})\}")
# What every command name of _LATEX_CMD starts with ("emph", "math", "text"), read off the pattern: the first four
# letters after the optional backslash (no command name is shorter).
_LATEX_WORDS = tuple(sorted({p.lstrip("\\")[:4] for p in match_prefixes(_LATEX_CMD.pattern, 5)}))


def _strip_latex(text: str) -> str:
    """_LATEX_CMD.sub(r"\\1", text): "\\textbf{Turbo}" -> "Turbo". The pattern is only tried where a command
    name occurs (or the backslash before it); a plain sub would try it at every character."""
    if "{" not in text:
        return text
    out, last = [], 0
    starts = sorted({p - d for p in literal_starts(text, _LATEX_WORDS) for d in (1, 0) if p - d >= 0})
    for m in finditer_at(_LATEX_CMD, text, starts):
        out += [text[last:m.start()], m.group(1)]
        last = m.end()
    return "".join(out) + text[last:] if out else text


def _clean(name: str) -> str:
    name = _strip_latex(name)
    name = _MARKUP.sub("", name).strip(" \t\n,;:.'\"“”`’")
    return name


_POWER = re.compile(r"([A-Za-z])\^\{?([2-4])\}?")
# Well-known model families with a size or version ("Qwen3.5-27B", "GPT-5.5"): used, not proposed.
_KNOWN_MODEL = re.compile(
    r"(?i)^(?:gpt|qwen|llama|mistral|mixtral|gemma|claude|gemini|deepseek|phi|opt|bert|roberta|t5|palm|falcon|"
    r"vicuna|internvl|llava|yolo|resnet|vit|clip|sam|whisper|stable-?diffusion|sd|flux|olmo|pythia|bloom)"
    r"[-\d.v]")
# a parenthesised acronym followed by a generic noun names a kind of thing ("a post-training quantization (PTQ)
# approach"), not the paper's own artefact
_KIND_AFTER = re.compile(r"\s*(?:approach|method|framework|model|technique|scheme|algorithm|pipeline|strategy|"
                         r"system|setting|paradigm|task|problem)s?\b", re.I)


def _acronym_of(phrase: str, acr: str) -> bool:
    """Does `acr` abbreviate some trailing run of the words of `phrase`?

    The run must start with a word whose initial is the acronym's first letter, and the acronym's letters
    must appear in order in the run ("Weigh And Select" -> WAS, "SelfishMPMAB with Averaging Allocation" ->
    SMAA, "Lexicon-based EmbeddiNgS" -> LENS).
    """
    if "^" in acr:
        acr = _POWER.sub(lambda m: m.group(1) * int(m.group(2)), acr)  # "S^3" abbreviates three S-words
    letters = "".join(c for c in acr.lower() if c.isalpha())
    words = [w for w in _SPACE_DASH.split(phrase.lower()) if w][-8:]
    if len(letters) < 2 or not words:
        return False
    for k in range(len(words)):
        run = words[k:]
        if not run[0].startswith(letters[0]):
            continue
        joined = " ".join(run)
        i = 0
        ok = True
        for c in letters:
            j = joined.find(c, i)
            if j < 0:
                ok = False
                break
            i = j + 1
        # every word of the run after the first should lend at least one letter (roughly)
        content = [w for w in run if w not in ("of", "and", "with", "for", "the", "a", "to", "in", "on")]
        if ok and len(letters) >= len(content) - 1:
            return True
    return False


def _max_gap(head: str, acr: str) -> int:
    """How far after the cue an expansion may start: an all-lower-case expansion ("natural language (NL)") is
    usually a background term unless it follows the cue at once ("we propose benchmark-targeted ranking (BETR)")."""
    k = _expansion_len(head, acr)
    all_words = head.split()
    words = all_words[len(all_words) - k:] if k else []
    if words and all(w[:1].islower() for w in words):
        gap = [w.lower() for w in all_words[: len(all_words) - k]]
        return -1 if any(w in _STOP_SCAN for w in gap) else 2
    return 10


def _expansion_len(phrase: str, acr: str) -> int:
    """How many trailing words of `phrase` the acronym abbreviates (0 when it does not)."""
    words = phrase.split()
    for k in range(len(words) - 1, max(-1, len(words) - 9), -1):  # shortest trailing run first
        if _acronym_of(" ".join(words[k:]), acr):
            return len(words) - k
    return 0


def _opening_words(rx: re.Pattern) -> tuple[str, ...]:
    """The literal words (lower-cased) a match of `rx`, a "(?i)\\b(?:word|...)\\b" list, starts with, none a
    prefix of another (each place is found once): the anchors of anchored_finditer."""
    words = match_prefixes(lower_twin(rx, word_start=True).pattern, 40)
    assert words, f"no literal opening words in {rx.pattern[:50]!r}"
    return tuple(sorted(w for w in words if not any(v != w and w.startswith(v) for v in words)))


_SURVEY_ABSTRACT = re.compile(
    r"(?i)\b(?:we|this (?:paper|report|article|work))\s+(?:comprehensively\s+|systematically\s+)?"
    r"(?:survey|review)(?:s)?\s+(?!(?:the\s+)?(?:problem|question|issue)\b)|\bthis (?:survey|review)\b")
_HEAD_SPLIT = re.compile(r"\s*([^:]{1,60}?)\s*(?::|\s--\s|\s—\s|\s–\s)\s*\S")
_ANALYSIS_TITLE = re.compile(
    r"(?i)\b(?:survey|surveying|a review|systematic review|overview|tutorial|reproducibility study|"
    r"position paper|lessons learned|primer)\b")
_ANALYSIS_WORDS = _opening_words(_ANALYSIS_TITLE)  # "survey", "a review" ...: what a match starts with


def _title_head(title: str, abstract: str) -> str | None:
    """The title's head before ':' / ' -- ' when it is shaped like a name."""
    m = _HEAD_SPLIT.match(title)
    if not m:
        return None
    head = _clean(m.group(1))
    words = head.split()
    if not words or len(words) > 4 or "," in head or "?" in head or "!" in head:
        return None
    first = words[0].lower().strip("\"'“")
    if _is_namelike(words[0]) or (len(words) == 1 and (words[0][:1].isupper() or not words[0][:1].isascii())
                                  and not _ING.fullmatch(first)
                                  and first not in _BAD_HEAD):
        return head
    if first in _BAD_HEAD or _ING_LY.fullmatch(first):
        return None
    if any(_is_namelike(w) for w in words) and len(words) <= 3:
        return head
    if any(w.lower() in _FUNCTION_WORDS - {"of"} for w in words) or len(words) > 3:
        return None
    if not all(w[:1].isupper() or w.lower() == "of" for w in words):
        return None
    # "Multi-agent Online Scheduling" names a topic; "Mixture-of-Recursions" keeps its capitals
    if any(p[:1].islower() and p.lower() not in _FUNCTION_WORDS for w in words for p in w.split("-")[1:]):
        return None
    # A plain multi-word head ("Recycled Attention") is a name unless the abstract only uses it as an
    # ordinary lower-case noun phrase ("bayesian optimization").
    if _find_word(lowered(abstract), head.lower()) >= 0 and _find_word(abstract, head) < 0:
        return None
    return head


def _initials_acronym(title: str, abstract: str) -> str | None:
    """'Conditional Poisson Stochastic Beam Search' -> 'CPSBS' when the abstract uses that token."""
    words = [w for w in _SPACE_DASH.split(title) if w and w.lower() not in ("of", "and", "the", "a", "for")]
    if not 2 <= len(words) <= 7:
        return None
    acr = "".join(w[0] for w in words).upper()
    i = _find_word(abstract.upper(), acr)
    if i >= 0 and abstract[i:i + len(acr)].isupper():
        return abstract[i:i + len(acr)]
    return None


def _abstract_acronym_for(phrase: str, abstract: str) -> str | None:
    """'Segment Policy Optimization (SPO)' in the abstract -> 'SPO' for the phrase 'Segment Policy Optimization'."""
    stem = phrase[:-1] if phrase.endswith("s") and len(phrase) > 4 else phrase
    low, stem = lowered(abstract), stem.lower()
    i = low.find(stem)
    while i >= 0:
        m = _PAREN_AFTER.match(abstract, i + len(stem))
        if m and _is_namelike(m.group(1)) and _acronym_of(phrase, m.group(1)) and len(m.group(1)) < len(phrase):
            return m.group(1)
        i = low.find(stem, i + 1)
    return None


_PAREN_AFTER = re.compile(r"s?\s*\(\s*(" + _TOKEN + r")\s*\)")


# Words that end the noun phrase after an intro verb: once one is seen, a later token is not the name.
_STOP_SCAN = {
    "for", "to", "in", "on", "with", "by", "from", "that", "which", "who", "where", "when", "than", "as",
    "is", "are", "was", "were", "be", "can", "could", "will", "would", "may", "might", "should", "must",
    "has", "have", "had", "does", "do", "not", "using", "via", "into", "over", "under", "between", "while",
    "both", "each", "whose", "its", "their", "our", "his", "her", "and", "or", "but", "if", "so", "such",
    "at", "about", "against", "across", "within", "without", "through", "based", "run", "use", "uses",
}
_CAP_RUN = re.compile(r"([A-Z][\w\-]*(?:\s+(?:of\s+|and\s+|the\s+)?[A-Z][\w\-]*){0,3})")


# Patterns of _name_in_span, compiled once (re.match(str, ...) looks its pattern up in re's cache every call).
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s")
_LEADING_TOKEN = re.compile(r"\s*,?\s*(" + _TOKEN + r")")
_PAREN_TOKEN = re.compile(r"\(\s*(" + _TOKEN + r")(?:\s+or\s+(" + _TOKEN + r"))?\s*\)")
_RELATIVE = re.compile(r"\b(?:that|which|who|where)\b|:")
_THEN_PAREN_TOKEN = re.compile(r"\s+(?:with|of|for|via)\s+[A-Z][^()]{0,60}?\(\s*(" + _TOKEN + r")\s*\)")
_TOKEN_THEN_PAREN = re.compile(r"\s*(" + _TOKEN + r")\s*\(")
_CAP_TAIL = re.compile(r" ([A-Z][a-z]+)\b(?!\s*\()")
_NEXT_WORD = re.compile(r"\s*(\w+)")
_CAP_PHRASE = re.compile(r"\s*(?:(?:a|an|the)\s+(?:new\s+|novel\s+)?(?:[a-z][\w\-]*\s+){0,3}?(?:method|approach|"
                 r"framework|model|system|algorithm|technique|benchmark|dataset|metric|strategy|scheme|"
                 r"pipeline|module|architecture|tool|protocol|library|suite|family|mechanism|loss|"
                 r"paradigm)s?\s*,?\s*)?" + _CAP_RUN.pattern + r"(?=\s*(?:,|\(|:|\s--|\s—|\.|\s+(?:that|which|"
                 r"to|for|as|is|achieves|leverages|improves)\b))")
_THE_CAP_PHRASE = re.compile(r"\s*the\s+" + _CAP_RUN.pattern + r"(?=,\s+(?:a|an)\s)")
_APPOSITIVE = re.compile(r"\s*((?!(?:a|an|the|our|two|three|several|this|these|that|it|to|how|what|new|novel|"
                 r"multiple|various|some|many)\b)[\w][\w\-]*(?:\s+[\w][\w\-]*){0,4}?)\s*(?:,\s*(?:a|an)\s|"
                 r"\s--?\s(?:a|an)\s|\s—\s|:\s*(?:a|an)\s)", re.I)


def _name_in_span(span: str, before: str, strict: bool = False) -> tuple[int, str] | None:
    """Find a name at the start of `span` (the text right after an intro cue); `before` is the abstract
    text preceding the cue, used to skip background terms defined earlier ("active learning (AL)").

    Looks, in order, at: a quoted phrase; "Long Phrase (ACR)"; "ACR (Long Phrase)"; a name-like token among
    the first words of the noun phrase; a capitalised or appositive phrase ("Recycled Attention, an ...").
    Returns (offset, name) or None.
    """
    sent = _SENTENCE_END.split(span[:260], maxsplit=1)[0]
    q = _QUOTED.match(sent.lstrip())
    if q:
        return 0, q.group(1)

    def seen_before(name: str) -> bool:
        return _find_word(before, name, plural=True) >= 0

    if strict:
        m = _LEADING_TOKEN.match(sent)
        if m and _is_namelike(m.group(1)) and not seen_before(m.group(1)):
            return 0, _clean(m.group(1))
        return None
    # "Long Phrase (ACR)" close to the cue, the phrase being the acronym's expansion
    for m in _PAREN_TOKEN.finditer(sent[:130]):
        acr = m.group(2) or m.group(1)
        head = sent[: m.start()]
        gap = head.split()
        kind = _KIND_AFTER.match(sent, m.end()) is not None and (
            len(acr) <= 2 or _max_gap(head, m.group(1)) < 10)
        if _acronym_of(head, m.group(1)) and (_is_namelike(acr) or acr.isupper()) and \
                acr.lower() not in _GENERIC and not kind and \
                not _RELATIVE.search(head) and \
                len(gap) - _expansion_len(head, m.group(1)) <= _max_gap(head, m.group(1)):
            rest = sent[m.end(): m.end() + 80]
            nxt = _THEN_PAREN_TOKEN.match(rest)
            if nxt and _is_namelike(nxt.group(1)):
                return m.start(), nxt.group(1)
            if not seen_before(acr):
                return m.start(), acr
        break  # only the first parenthesis after the cue can define the name
    # "ACR (Long Phrase ...)"
    m = _TOKEN_THEN_PAREN.match(sent)
    if m and _is_namelike(m.group(1)):
        return 0, m.group(1)
    # the first name-like token of the noun phrase right after the cue
    n = 0
    for m in _TOKEN_RE.finditer(sent):
        tok = m.group(0)
        n += 1
        if n > 9:
            break
        if _is_namelike(tok) and sent[max(0, m.start() - 1):m.start()] != "(":
            t = _clean(tok)
            if t and not seen_before(t):
                # "BoNBoN Alignment": keep one following capitalised word that is part of the name
                tail = _CAP_TAIL.match(sent[m.end():])
                if tail and tail.group(1).lower() not in _FUNCTION_WORDS and n > 0 and \
                        sent[m.end() + len(tail.group(0)):][:1] in ("", ",", " ", ".", ":"):
                    nxt_word = _NEXT_WORD.match(sent[m.end() + len(tail.group(0)):])
                    if nxt_word is None or nxt_word.group(1).lower() in _STOP_SCAN | {"a", "an"}:
                        return m.start(), t + tail.group(0)
                return m.start(), t
            continue
        if tok.lower() in _STOP_SCAN:
            break
    # capitalised phrase right after the cue: "we introduce Gemma Encoder, adapting ..."
    m = _CAP_PHRASE.match(sent)
    if m:
        phrase = m.group(1)
        if not phrase.split()[0].lower() in _FUNCTION_WORDS | _BAD_HEAD and not seen_before(phrase):
            return m.start(1), phrase
    # "we introduce the Image Reconstruction Game, a fully automated benchmark"
    m = _THE_CAP_PHRASE.match(sent)
    if m and len(m.group(1).split()) >= 2 and not seen_before(m.group(1)):
        return m.start(1), m.group(1)
    # appositive: "we introduce iterative retrieval, a novel framework"
    m = _APPOSITIVE.match(sent)
    if m:
        phrase = m.group(1)
        words = phrase.split()
        cut = next((k for k, w in enumerate(words) if w.lower() in _FUNCTION_WORDS), len(words))
        if cut >= 2 or (cut == len(words) and cut >= 1):
            phrase = " ".join(words[:cut])
            if not seen_before(phrase):
                return 0, phrase
    return None


_PROPOSING_FORMS = ("propose", "proposing", "introduce", "introducing", "present", "presenting", "develop",
                    "developing")
_PROPOSING = re.compile(r"(?i)\b(?:and|then|by)\s+(?:" + "|".join(_PROPOSING_FORMS) + r")\b")


_PROPOSING_VERBS = ("propos", "introduc", "present", "develop")  # what each verb of _PROPOSING starts with
assert all(f.startswith(_PROPOSING_VERBS) for f in _PROPOSING_FORMS)


def _proposing_starts(low: str) -> list[int]:
    """Where _PROPOSING can match in lower-cased text: an "and", "then" or "by" that starts a word and is followed
    by whitespace and one of its verbs. Found from the verbs (four finds; "and" alone occurs ~10 times an
    abstract), looking back over the whitespace before each."""
    out = set()
    for verb in _PROPOSING_VERBS:
        i = low.find(verb)
        while i >= 0:
            j = space_start(low, i)
            if j < i:
                for w in ("and", "then", "by"):
                    p = j - len(w)
                    if p >= 0 and low.startswith(w, p) and (not p or WORD.match(low, p - 1) is None):
                        out.add(p)
            i = low.find(verb, i + 1)
    return sorted(out)


def _word_starts_of(rx: re.Pattern, words: tuple[str, ...]):
    """Where `rx` can match in lower-cased text: the word starts where one of `words` begins. Checked here that
    `words` cover every way the pattern opens (its first three letters)."""
    opens = match_prefixes(lower_twin(rx, word_start=True).pattern, 3)
    assert opens and all(any(o.startswith(w) or w.startswith(o) for w in words) for o in opens), \
        f"{words} miss an opening of {rx.pattern[:50]!r}"
    return lambda low: word_starts(low, words)


# (pattern, lower-case twin, strict, literal triggers, where it can match): a cue pattern only runs when a trigger
# occurs (no triggers: always), and then only at the places the last function gives for the lower-cased abstract.
_CUES = [(rx, lower_twin(rx, word_start=True), strict, trig, starts) for rx, strict, trig, starts in (
    (_NAMING, False, ("called", "named", "dubbed", "termed", "coined", "refer", "known as", "call ", "name ",
                      "term ", "dub ", "coin "),
     _word_starts_of(_NAMING, ("called", "named", "dubbed", "termed", "coined", "we", "to", "refer", "known as"))),
    (_INTRO_VERB, False, ("we ", "this ", "in this"), _word_starts_of(_INTRO_VERB, ("we", "this ", "in this "))),
    (_PROPOSING, False, (), _proposing_starts),  # (its verbs are the triggers: "propos", "introduc", ...)
    (_OUR_APPROACH, True, ("our ",), _word_starts_of(_OUR_APPROACH, ("our",))))]


_MAX_CUES = 12  # cue matches examined per pattern (bounds the work on degenerate input)


def _abstract_name(abstract: str) -> str | None:
    best: tuple[int, str] | None = None
    low = lowered(abstract)
    same = len(low) == len(abstract)
    for rx, rx_low, strict, triggers, starts in _CUES:
        if same and triggers and not any(t in low for t in triggers):
            continue
        for n, m in enumerate(finditer_at(rx_low, low, starts(low)) if same else rx.finditer(abstract)):
            if n >= _MAX_CUES:
                break
            got = _name_in_span(abstract[m.end():], abstract[: m.start()], strict)
            if got is None:
                continue
            off, name = got
            name = _clean(name)
            if not name:
                continue
            at = m.end() + off
            if best is None or at < best[0]:
                best = (at, name)
            break
    if best is None:
        return None
    name = best[1]
    acr = _abstract_acronym_for(name, abstract) if len(name.split()) > 1 or not _is_namelike(name) else None
    return acr or name


def _short_title_name(title: str, abstract: str) -> str | None:
    """A short noun-phrase title that the abstract uses as a name (possibly with an acronym)."""
    t = _clean(title)
    words = t.split()
    if not 1 <= len(words) <= 4 or ":" in t:
        return None
    if words[0].lower() in _BAD_HEAD or words[0].lower().endswith("ing"):
        return None
    if any(w.lower() in _FUNCTION_WORDS for w in words):
        return None
    acr = _abstract_acronym_for(t, abstract)
    if acr:
        return acr
    stem = (t[:-1] if t.endswith("s") else t).lower()
    low = lowered(abstract)
    i = _find_word(low, stem, plural=True)
    while i >= 0:
        before = low[max(0, i - 14):i]
        if i == 0 or _SENT_OPEN.search(before):
            return t
        j = _find_word(low[i + 1:], stem, plural=True)
        i = i + 1 + j if j >= 0 else -1
    return None


_SENT_OPEN = re.compile(r"(?:\bwe (?:introduce|propose|present) |[.!?]\s+)$")


def _is_survey(abstract: str) -> bool:
    """_SURVEY_ABSTRACT.search, skipped when neither key word occurs (the full scan costs ~40 µs)."""
    low = lowered(abstract)
    if abstract.isascii() and "survey" not in low and "review" not in low:
        return False  # (non-ASCII text always gets the regex: IGNORECASE also matches e.g. "ſ" for "s")
    return _SURVEY_ABSTRACT.search(abstract) is not None


def find_method(title: str, abstract: str, model: dict | None = None) -> str | None:
    """Return the paper's own method/system/benchmark name as first written, or None.

    The learned decision (models/method.json, or `model`: a dict that method_model.train returned) picks among
    method_candidates; the best candidate is the name when its score beats the model's bar (the score of "no
    name", shifted)."""
    m = model if model is not None else linear.load("method")
    weights, bias = linear.margin_weights(m)
    best, best_score = None, m["bar"]
    for name, feats in method_candidates(title, abstract):
        margin = bias + sum(weights.get(k, 0.0) * v for k, v in feats.items())
        if margin > best_score:
            best, best_score = name, margin
    return best


def rule_method(title: str, abstract: str) -> str | None:
    """The hand-written decision: the first rule that fires (a feature of the learned one)."""
    title = (title or "").strip()
    abstract = abstract or ""
    title = _strip_latex(title)
    abstract = _strip_latex(abstract)
    if next(anchored_finditer(_ANALYSIS_TITLE, title, title.lower(), _ANALYSIS_WORDS), None):
        return None
    name = _candidate(title, abstract)
    # A survey/review names nothing of its own unless it coins a proper name ("we propose FrugalGPT").
    if name and not any(_is_namelike(w) for w in name.split()) and _is_survey(abstract):
        return None
    return name


def _candidate(title: str, abstract: str) -> str | None:
    """The hand-written decision: the first name the rules below find (a lazy generator: later ones never run)."""
    return next((name for _, name in _rule_names(title, abstract)), None)


def _rule_names(title: str, abstract: str) -> Iterator[tuple[str, str]]:
    """(rule, name) for every rule that finds a name, in the order of the module docstring."""
    head = _title_head(title, abstract)
    if head:
        yield "head", _head_name(head, abstract)
        yield "head_raw", head
    m = _TITLE_ACR.search(title)
    if m and _is_namelike(m.group(1)):
        yield "title_acr", m.group(1)
    short = _short_title_name(title, abstract)
    if short:
        yield "short_title", short
    name = _abstract_name(abstract)
    if name:
        yield "abstract", name
    if ":" not in title:
        acr = _initials_acronym(title, abstract)
        if acr:
            yield "initials", acr


_TITLE_RULES = ("head", "head_raw", "title_acr", "short_title")  # the rules that read the name off the title


def _head_name(head: str, abstract: str) -> str:
    """A title head as the paper names it: the abstract's acronym for it, or its one name-like word."""
    if not (len(head.split()) == 1 and head.isupper()):
        acr = _abstract_acronym_for(head, abstract)
        if acr:
            return acr
    words = head.split()
    if len(words) > 1 and head not in abstract and _find_word(lowered(abstract), head.lower()) >= 0:
        named = [w for w in words if _is_namelike(w)]
        if len(named) == 1:
            return named[0]  # "SWARM Parallelism" written "SWARM parallelism": the name is SWARM
    return head


# ---- candidates for the learned decision (method_model.py) ----------------------------------------------------

_PAREN_NAME = re.compile(r"\(\s*(" + _TOKEN + r")\s*\)")
_CUE_WORDS = ("we propose", "we introduce", "we present", "we develop", "we design", "called", "named", "dubbed",
              "termed", "this paper proposes", "this paper introduces", "this paper presents", "this work")
_MAX_TOKENS = 12  # name-like tokens of the abstract taken as candidates (bounds the work on degenerate input)
_NOT_ALNUM = re.compile(r"[\W_]+")
_MAX_SCANNED = 400  # tokens of the abstract tested for it


def method_candidates(title: str, abstract: str) -> list[tuple[str, dict[str, float]]]:
    """Every name the rules consider, each with the features the learned decision weighs.

    Candidates: each rule's name (in rule order, the first being the hand-written decision), the name-like tokens
    of the title, the title's capitalised runs, its head and a short title whole (_title_phrases), the first
    name-like tokens of the abstract, and the abstract's parenthesised names ("... (UCDA)").
    Features: which rules proposed it, where and how often it occurs, what it looks like, and what the paper is
    (a survey, an analysis title) -- the same for every candidate of the paper, so they move the bar for None.
    """
    title = _strip_latex((title or "").strip())
    abstract = _strip_latex(abstract or "")
    found: dict[str, list] = {}  # normalised name -> [name as first written, {feature: value}]

    def add(name: str | None, source: str) -> None:
        name = _clean(name or "")
        key = _NOT_ALNUM.sub("", name.lower())  # score.py's comparison of names
        if not key or len(name) > 80:
            return
        entry = found.setdefault(key, [name, {}])
        entry[1]["src:" + source] = 1.0

    for i, (rule, name) in enumerate(_rule_names(title, abstract)):
        add(name, rule)
        if i == 0:
            add(name, "first")
        if rule in _TITLE_RULES:
            add(name, "title_rule")
    for m in _TOKEN_RE.finditer(title):
        if _is_namelike(m.group(0)):
            add(m.group(0), "title_token")
    for phrase, source in _title_phrases(title):
        add(phrase, source)
    n = 0
    # A plain word (all lower-case or capitalised letters) is never name-like: such chunks between spaces are
    # dropped before the regex (a token never spans a space, so the tokens found are the same).
    chunks = [c for c in abstract.split() if not (c.isalpha() and (c.islower() or c.istitle()))]
    tokens = _TOKEN_RE.findall(" ".join(chunks))
    for tok in filter(_is_namelike, tokens[:_MAX_SCANNED]):
        add(tok, "abstract_token")
        n += 1
        if n >= _MAX_TOKENS:
            break
    for n, m in enumerate(_PAREN_NAME.finditer(abstract)):
        if n >= _MAX_TOKENS:
            break
        if _is_namelike(m.group(1)):
            add(m.group(1), "paren")
    if not found:
        return []
    low = lowered(abstract)
    cues = literal_starts(low, _CUE_WORDS) if len(low) == len(abstract) else []
    paper = {"analysis_title": 1.0 if next(anchored_finditer(_ANALYSIS_TITLE, title, title.lower(),
                                                               _ANALYSIS_WORDS), None) else 0.0,
             "survey": 1.0 if _is_survey(abstract) else 0.0, "title_colon": 1.0 if ":" in title else 0.0,
             "title_question": 1.0 if "?" in title else 0.0, "n_candidates": min(len(found), 10) / 10}
    out = []
    for name, feats in found.values():
        feats.update(_name_features(name, title, abstract, cues))
        feats.update(paper)
        out.append((name, feats))
    # relative to the other candidates: the paper's own name tends to be the most repeated and the earliest
    top_count = max(f["abstract_count"] for _, f in out)
    first_at = min(f["abstract_first"] for _, f in out)
    for _, f in out:
        f["most_repeated"] = 1.0 if f["abstract_count"] == top_count and top_count > 0.7 else 0.0
        f["earliest"] = 1.0 if f["abstract_first"] == first_at and first_at < 1.0 else 0.0
    return out


_TITLE_PARTS = re.compile(r"\s*(?::|\s--?\s|\s—\s|\s–\s|;|\?|!)\s*")
_MAX_PHRASE_WORDS = 5
_MAX_TITLE = 400  # characters of the title read for phrases (a title is ~100)


def _title_phrases(title: str) -> list[tuple[str, str]]:
    """Title-cased runs of the title as candidates: a name the abstract never repeats ("Zero Bubble Pipeline
    Parallelism", "... with Expert Choice Routing", "Deliberative Curation: ...") is still the paper's own when
    the title gives it. Sources: the whole short title, a head of any shape, a run of capitalised words between
    function words (the model learns which of these hold names)."""
    out = []
    parts = [q for q in _TITLE_PARTS.split(title[:_MAX_TITLE]) if q]
    if len(parts) > 1 and len(parts[0].split()) <= _MAX_PHRASE_WORDS:
        out.append((parts[0], "title_head_any"))
    if len(parts) == 1 and len(title.split()) <= _MAX_PHRASE_WORDS:
        out.append((title, "title_whole"))
    for part in parts:
        run: list[str] = []
        for w in part.split() + ["of"]:  # (a function word closes the last run)
            if w[:1].isupper() and w.lower() not in _FUNCTION_WORDS:
                run.append(w)
                continue
            if 2 <= len(run) <= _MAX_PHRASE_WORDS:
                out.append((" ".join(run), "title_run"))
            run = []
    return out[:_MAX_TOKENS]  # (bounds the work on a degenerate title)


# after a name: it is the subject of a claim ("X achieves", "X outperforms")
_SUBJECT = re.compile(r"[ ,]*(?:achieves?|outperforms?|improves|reduces|enables|provides|uses|leverages|employs|is|"
                      r"consists|combines|introduces|yields|delivers|attains|significantly|consistently|also|can|"
                      r"substantially|matches|surpasses) ")
# before a name: it is somebody else's ("than X", "compared with X", "such as X", "existing X")
_BASELINE = re.compile(r"\b(?:than|over|compared to|compared with|such as|like|e\.g\.|including|baselines?|vs|versus|"
                       r"existing|prior|previous|state-of-the-art)\b")


def _name_features(name: str, title: str, abstract: str, cues: list[int]) -> dict[str, float]:
    """How the paper writes and uses one candidate name."""
    words = name.split()
    low, lname = lowered(abstract), name.lower()
    at = _find_word(low, lname) if len(low) == len(abstract) else _find_word(abstract, name)
    count, subject, baseline, ours = 0, 0, 0, 0
    i = at
    while i >= 0 and count < 20:
        count += 1
        subject += _SUBJECT.match(low, i + len(lname)) is not None
        baseline += _BASELINE.search(low, max(0, i - 24), i) is not None
        ours += low.endswith("our ", 0, i)
        j = _find_word(low[i + len(lname):], lname)
        i = i + len(lname) + j if j >= 0 else -1
    t = _find_word(title, name)
    return {
        "in_title": 1.0 if t >= 0 else 0.0,
        "title_start": 1.0 if t == 0 else 0.0,
        "in_abstract": 1.0 if at >= 0 else 0.0,
        "cased_in_abstract": 1.0 if _find_word(abstract, name) >= 0 else 0.0,
        "abstract_count": math.log1p(count),
        "abstract_first": at / len(abstract) if at >= 0 and abstract else 1.0,
        "after_cue": 1.0 if at >= 0 and any(0 <= at - c <= 120 for c in cues) else 0.0,
        "defined": 1.0 if "(" + name + ")" in abstract or name + " (" in abstract else 0.0,
        "subject": math.log1p(subject),
        "baseline_context": baseline / count if count else 0.0,
        "our": 1.0 if ours else 0.0,
        "namelike": 1.0 if any(_is_namelike(w) for w in words) else 0.0,
        "camel": 1.0 if any(c.isupper() for c in name[1:]) and any(c.islower() for c in name) else 0.0,
        "upper": 1.0 if name.isupper() else 0.0,
        "short": 1.0 if len(name) <= 3 else 0.0,
        "hyphen": 1.0 if "-" in name else 0.0,
        "digit": 1.0 if any(c.isdigit() for c in name) else 0.0,
        "words:" + str(min(len(words), 4)): 1.0,
        "lower": 1.0 if name[:1].islower() else 0.0,
        "generic": 1.0 if name.lower() in _GENERIC or _KNOWN_MODEL.match(name) else 0.0,
    }
