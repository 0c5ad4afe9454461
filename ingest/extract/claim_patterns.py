"""Word lists for the claims extractor: what a number measures (category), which way it moves (polarity)
and how it is hedged (bound). Each list is one precompiled alternation; longer phrases come first so that
"computational cost" wins over "cost" and "GPU memory" over "memory".

Metric kinds: "cost" metrics are better when lower (latency, memory, FLOPs, error), "benefit" metrics are
better when higher (throughput, speedup, accuracy).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from .regex_prefixes import BranchDispatch, trigger_scanner, trigger_set
from .wordscan import finditer_at, lowered

# (regex, category, kind). Order matters only for phrases that share a start; the regex is built longest first.
_CUES: list[tuple[str, str, str]] = [
    # ---- specific phrases first (an alternation takes the first branch that matches)
    (r"energy\s+efficiency|samples\s*/\s*kJ|per\s+watt", "energy", "benefit"),
    (r"(?:communication|cost)\s+efficiency|performance\s+per\s+dollar", "cost", "benefit"),
    (r"(?:accuracy|performance|quality)\s+(?:loss|drop|degradation|gap)", "quality", "cost"),
    # ---- speed
    (r"speed[\s-]?ups?", "speed", "benefit"),
    (r"accelerat(?:e|es|ed|ing|ion|ions)", "speed", "benefit"),
    (r"faster", "speed", "benefit"),
    (r"slower|slow", "speed", "benefit"),
    (r"as\s+fast", "speed", "benefit"),
    (r"throughputs?", "speed", "benefit"),
    (r"(?:inference|decoding|training|generation|prefill|sampling)\s+speed", "speed", "benefit"),
    (r"speeds?", "speed", "benefit"),
    (r"T?FLOPS\s+per\s+GPU|TFLOPS|tokens?\s*/\s*s(?:ec(?:ond)?)?|tokens?[\s-]per[\s-]second|FPS|frames\s+per\s+second",
     "speed", "benefit"),
    (r"more\s+requests|requests\s+per\s+second", "speed", "benefit"),
    (r"(?:end-to-end\s+|inference\s+|decoding\s+|generation\s+|tail\s+|average\s+|p\d\d\s+)?latenc(?:y|ies)",
     "speed", "cost"),
    (r"(?:inference|training|decoding|generation|wall[\s-]clock|simulation|computation|computing|response|run|"
     r"search|convergence|execution|processing|running|solving|sampling|compilation|tuning|query|encoding)"
     r"\s+times?", "speed", "cost"),
    (r"run[\s-]?times?|wall[\s-]?clock(?:\s+time)?|TTFT|TBT|TPOT|JCT|time[\s-]to[\s-]first[\s-]token|delays?|"
     r"SLOs?|(?<!real-)(?<!full-)(?<!part-)(?<!long-)(?<!one-)(?<!first-)time", "speed", "cost"),
    # ---- memory
    (r"(?:peak\s+|GPU\s+|activation\s+|training\s+|inference\s+)?memory(?:\s+(?:usage|footprint|consumption|"
     r"cost|requirements?|overhead|savings?|traffic|access(?:es)?))?", "memory", "cost"),
    (r"KV[\s-]?caches?(?:\s+(?:size|footprint|memory|usage))?|VRAM|RAM|footprints?", "memory", "cost"),
    # ---- compute
    (r"computational\s+(?:costs?|usage|budget|overhead|resources|complexity|requirements?|burden|load)|"
     r"computation(?:al)?\s+costs?|compute\s+costs?|training\s+costs?|search\s+costs?|inference\s+costs?",
     "compute", "cost"),
    (r"compute\s+multiplier|(?:learning|sample|data|training|compute|computational)\s+efficiency",
     "compute", "benefit"),
    (r"G?FLOPs|[GT]?MACs|FLOPS|computations?|compute|GPU[\s-]hours?|operations|iterations|(?:training\s+)?steps|"
     r"epochs|(?:required\s+)?samples|steps?|densit(?:y|ies)|resources|comparisons|rollouts",
     "compute", "cost"),
    # ---- size
    (r"(?:trainable\s+|expert\s+|model\s+)?param(?:eter)?s?(?:\s+count|\s+size)?|number\s+of\s+parameters|"
     r"model\s+sizes?|storage(?:\s+(?:cost|space|overhead))?|index(?:es)?\s+sizes?|disk\s+space|vector\s+count|"
     r"vectors|bit[\s-]?widths?|model\s+footprint", "size", "cost"),
    (r"compression(?:\s+(?:ratio|rate)s?)?", "size", "cost"),
    (r"(?:file\s+|index\s+|storage\s+|checkpoint\s+|WSI\s+)?sizes?|compress(?:es|ed|ing)?", "size", "cost"),
    # ---- tokens
    (r"bytes\s+per\s+token|context\s+(?:length|window)s?(?:\s+size)?", "tokens", "benefit"),
    (r"(?:visual\s+|vision\s+|image\s+|input\s+|output\s+|prompt\s+|reasoning\s+|generated\s+|KV\s+)?tokens?"
     r"(?:\s+(?:budget|usage|use|consumption|count|length|costs?))?|context\s+length|prompt\s+length|"
     r"prompt\s+length|sequence\s+length|reasoning\s+length|response\s+length|output\s+length", "tokens", "cost"),
    # ---- energy
    (r"energy(?:\s+(?:consumption|usage|cost))?|power(?:\s+consumption)?|carbon(?:\s+emissions?|\s+footprint)?|"
     r"emissions?|electricity(?:\s+use)?|CO2|kWh|joules?", "energy", "cost"),
    # ---- cost
    (r"communication(?:\s+(?:costs?|volume|overhead|rounds))?|bandwidth|(?:API|LLM)\s+calls|calls|"
     r"(?:operational|annotation|labeling|labelling|monetary|serving|deployment|inference|API|dollar|"
     r"financial)\s+costs?|cost[\s-]of[\s-]pass|costs?|prices?|dollars?|expenses?|budget|cheaper|costlier|"
     r"(?:more|less)\s+expensive", "cost", "cost"),
    # ---- quality
    (r"(?:top-?[15]\s+)?acc(?:uracy|uracies)?|F1(?:[\s-]scores?)?|BLEU|ROUGE(?:-\w+)?|mAP|AP|mIoU|IoU|PSNR|SSIM|"
     r"dB|n?DCG(?:@\d+)?|MRR|pass@\d+|Pass@\d+|EM|exact\s+match|success\s+rates?|win\s+rates?|recall|precision|"
     r"scores?|performance|effectiveness|quality|AUC|AUROC|Elo|reward", "quality", "benefit"),
    (r"(?:forecast(?:ing)?\s+|test\s+|validation\s+|word\s+|character\s+|relative\s+)?error(?:\s+rates?)?|"
     r"(?:test\s+|validation\s+)?perplexit(?:y|ies)|PPL|FID|FVD|WER|CER|(?:validation\s+|training\s+|test\s+)?loss|"
     r"KL\s+divergence|MSE|RMSE|MAE|LPIPS|hallucinations?(?:\s+rates?)?|regret|failures?(?:\s+rates?)?",
     "quality", "cost"),
    (r"smaller", "size", "cost"),
]



def _vocab_cues(path: Path) -> tuple[list[tuple[str, str, str]], set[str]]:
    """Cue entries from vocab/metrics.csv (spelling, category, which way is better), one alternation per
    (category, kind), longest spelling first; and the acronyms among them ("ASR", "gFID"), which count only
    as written. A data file, so that a metric the hand-written cues lack is one line, not a regex edit."""
    by_info: dict[tuple[str, str], list[str]] = {}
    acronyms = set()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            spelling, cat, better = row["spelling"].strip(), row["category"], row["better"]
            assert cat in _CATEGORIES and better in ("higher", "lower"), f"metrics.csv: bad row {row}"
            by_info.setdefault((cat, "cost" if better == "lower" else "benefit"), []).append(spelling)
            if " " not in spelling and sum(ch.isupper() for ch in spelling) >= 2:
                acronyms.add(spelling)
    entries = []
    for (cat, kind), spellings in by_info.items():
        alts = [re.escape(w).replace("\\ ", r"\s+").replace("\\-", r"[\s-]?")
                for w in sorted(spellings, key=len, reverse=True)]
        entries.append(("|".join(alts), cat, kind))
    return entries, acronyms


_CATEGORIES = ("speed", "memory", "compute", "size", "tokens", "energy", "cost", "quality")
METRICS_CSV = Path(__file__).resolve().parent / "vocab" / "metrics.csv"
_VOCAB_CUES, _VOCAB_ACRONYMS = _vocab_cues(METRICS_CSV)


def _systems_terms_re(path: Path) -> re.Pattern:
    with path.open(encoding="utf-8") as fh:
        terms = sorted((row["term"].strip() for row in csv.DictReader(fh)), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(t) for t in terms) + r")(?![\w-])")


# Words of hardware and systems work (vocab/systems.csv, matched as written: "GPU", "MPI", "cache"). An abstract
# that uses SYSTEMS_MIN_TERMS different ones is a systems paper, where "performance" means speed (GUIDELINES).
SYSTEMS_RE = _systems_terms_re(Path(__file__).resolve().parent / "vocab" / "systems.csv")
SYSTEMS_MIN_TERMS = 3


def is_systems_text(text: str) -> bool:
    found: set[str] = set()
    for m in _systems_matches(text):
        found.add(m.group(0))
        if len(found) >= SYSTEMS_MIN_TERMS:
            return True
    return False


def _systems_matches(text: str):
    """SYSTEMS_RE.finditer(text), tried only at the word starts where a term can begin (its leading look-behind
    made re try it at every character: ~40 µs an abstract)."""
    if not text.isascii() or SYSTEMS_SCAN is None:  # offsets of the lowered text are the text's only on ASCII
        return SYSTEMS_RE.finditer(text)
    return finditer_at(SYSTEMS_RE, text, SYSTEMS_SCAN.starts(lowered(text), 0, len(text)))


SYSTEMS_SCAN = trigger_scanner(trigger_set(SYSTEMS_RE))


# the vocabulary's spellings come first: at one place the first branch that matches wins
_CUES = _VOCAB_CUES + _CUES

CUE_GROUPS = [(f"c{_i}", _rx) for _i, (_rx, _cat, _kind) in enumerate(_CUES)]
CUE_INFO: dict[str, tuple[str, str]] = {f"c{_i}": (_cat, _kind) for _i, (_rx, _cat, _kind) in enumerate(_CUES)}
CUE_HEAD, CUE_TAIL = r"(?<![\w])", r"(?![\w]|-\w|\s+(?:data|datasets?)\b)"
# Case-insensitive but acronyms like "AP", "EM", "MAE" must stay upper-case to count.
CUE_RE = re.compile(CUE_HEAD + "(?:" + "|".join(f"(?P<{g}>{rx})" for g, rx in CUE_GROUPS) + ")" + CUE_TAIL,
                    re.IGNORECASE)
CASE_SENSITIVE = {"AP", "EM", "RAM", "MAE", "MSE", "CER", "WER", "SLO", "SLOs", "TBT", "JCT", "PPL", "MACs",
                  "FPS", "AUC", "Elo", "dB"} | _VOCAB_ACRONYMS

# Polarity words: UP / DOWN (plain movement), GOOD / BAD (judgement whatever the metric's kind).
_POL: list[tuple[str, str]] = [
    (r"speed[\s-]?ups?|faster|accelerat(?:e|es|ed|ing|ion)", "UP"),
    (r"slower|slow|slowdowns?", "BAD"),
    (r"improv(?:e|es|ed|ing|ement|ements)|enhanc(?:e|es|ed|ing|ement|ements)|better|gains?|outperform(?:s|ed|ing)?|"
     r"surpass(?:es|ed|ing)?|beat(?:s|ing)?|exceed(?:s|ed|ing)?|advantage|superior", "GOOD"),
    (r"worse|degrad(?:e|es|ed|ing|ation|ations)|penalty|overheads?|sacrific(?:e|es|ing)|costs?(?=\s+\d)", "BAD"),
    (r"increas(?:e|es|ed|ing)|higher|more|larger|greater|boost(?:s|ed|ing)?|rais(?:e|es|ed|ing)|ris(?:e|es|ing)|rose|climb(?:s|ed|ing)?|jump(?:s|ed|ing)?|soar(?:s|ed|ing)?|"
     r"grow(?:s|th)?|multiplier|additional|extra|doubl(?:e|es|ed|ing)", "UP"),
    (r"reduc(?:e|es|ed|ing|tion|tions)|decreas(?:e|es|ed|ing)|lower(?:s|ed|ing)?|fewer|less|smaller|"
     r"sav(?:e|es|ed|ing|ings)|cut(?:s|ting)?|shrink(?:s|ing)?|compress(?:es|ed|ing)?|tighter|drop(?:s|ped|ping)?|"
     r"declin(?:e|es|ed|ing)|los(?:e|es|ing|t)|fall(?:s|ing)?|fell|plummet(?:s|ed|ing)?|"
     r"plung(?:e|es|ed|ing)|slash(?:es|ed|ing)?|cheaper|shorter|halv(?:e|es|ed|ing)|eliminat(?:e|es|ed|ing)|loss|losses|"
     r"shorten(?:s|ed|ing)?|smaller|trim(?:s|med|ming)?|prun(?:e|es|ed|ing)|skip(?:s|ped|ping)?", "DOWN"),
]
POL_GROUPS = [(f"p{_i}", _rx) for _i, (_rx, _p) in enumerate(_POL)]
POL_INFO: dict[str, str] = {f"p{_i}": _p for _i, (_rx, _p) in enumerate(_POL)}
POL_HEAD, POL_TAIL = r"(?<![\w-])", r"(?![\w])"
POL_RE = re.compile(POL_HEAD + "(?:" + "|".join(f"(?P<{g}>{rx})" for g, rx in POL_GROUPS) + ")" + POL_TAIL,
                    re.IGNORECASE)


def lower_twin(rx: re.Pattern | str, word_start: bool = False) -> re.Pattern:
    """The one way to build a lower-case twin: `rx` (a case-insensitive pattern, by flag or a leading "(?i)", or the
    source of one) with its letters lower-cased and without IGNORECASE, for lower-cased ASCII text, where it matches
    the same spans ~2.5x faster. word_start=True drops a leading `\\b` too, left to wordscan.word_finditer so that
    re can skip straight to the pattern's first words."""
    src, flags = (rx, re.IGNORECASE) if isinstance(rx, str) else (rx.pattern, rx.flags)
    if src.startswith("(?i)"):
        src = src[4:]
    assert flags & re.IGNORECASE, f"a lower-case twin is of a case-insensitive pattern: {src[:40]!r}"
    if word_start:
        assert src.startswith("\\b"), f"no leading \\b to leave to word_finditer: {src[:40]!r}"
        src = src[2:]
    check_lowerable(src)
    return re.compile(src.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="), flags & ~re.IGNORECASE)


def check_lowerable(src: str) -> None:
    """Lower-casing a pattern's source keeps its meaning only without upper-case escapes (\\S, \\W, \\B ...)."""
    bad = re.search(r"\\[A-Z]", src)
    assert bad is None, f"{bad.group(0)} in {src[:60]!r} changes meaning when lower-cased"


# Import-time checks of the lists kept in step with the patterns above.
assert all(CUE_RE.fullmatch(w) for w in CASE_SENSITIVE), "every CASE_SENSITIVE acronym is a whole cue of CUE_RE"
for _g, _src in CUE_GROUPS + POL_GROUPS:
    check_lowerable(_src)  # regex_prefixes.BranchDispatch lower-cases every branch of CUE_RE and POL_RE


# Bounds written just before the number ("up to 46%", "more than 2x", "~20%").
BOUND_RE = re.compile(
    r"(?:(?P<up_to>up\s+to|as\s+(?:much|many|high)\s+as|at\s+most|maximum(?:\s+of)?|a\s+maximum\s+of|max\.?)"
    r"|(?P<at_least>over|more\s+than|at\s+least|above|greater\s+than|exceeding|minimum(?:\s+of)?|min\.?|>|≥|\\geq|"
    r"upwards\s+of|in\s+excess\s+of)"
    r"|(?P<approx>about|approximately|approximate|approx\.?|~|∼|\\sim|nearly|around|roughly|almost|circa|close\s+to|"
    r"some|\\approx|≈)"
    r"|(?P<less_than>less\s+than|under|within|below|fewer\s+than|<|≤|\\leq|lower\s+than|"
    r"as\s+(?:little|low|few)\s+as))"
    r"\s?(?:an?\s+|the\s+)?\$?\\?\s?\**(?:a\s+)?$",
    re.IGNORECASE,
)
# Right after the number: "2x or more" / "20% or higher".
BOUND_AFTER_RE = re.compile(r"\s?(?:or\s+(?:more|higher|greater|above))\b", re.IGNORECASE)

# Words that end the right-hand context of a number (what follows belongs to the comparison, not the metric).
_RIGHT_STOP_WORDS = (r"(?:than|that|with|compared|comparing|relative|versus|vs\.?|against|while|whereas|but|which|"
                     r"without|when|where|"
                     r"respectively|thanks|because|despite|due|since|although|though|if|so|thus|hence|yet|whilst|"
                     r"as\s+well|using|leading|resulting|making|enabling|achiev\w*)(?![\w])")
_RIGHT_STOP_MARKS = r"[;:()\[\]]|,|--|—|\.\s|\.$"
RIGHT_STOP_RE = re.compile(r"(?<![\w-])" + _RIGHT_STOP_WORDS + "|" + _RIGHT_STOP_MARKS, re.IGNORECASE)
# Words that end the left-hand context (a new clause starts).
_LEFT_STOP_WORDS = (r"(?:while|whereas|but|which|although|though|when|where|thus|hence|whilst|and\s+(?:thus|then|also)|"
                    r"than|compared\s+to|compared\s+with|relative\s+to)(?![\w])")
_LEFT_STOP_MARKS = r"[;:\[\]]|\.\s"
LEFT_STOP_RE = re.compile(r"(?<![\w-])" + _LEFT_STOP_WORDS + "|" + _LEFT_STOP_MARKS, re.IGNORECASE)
_OUTPERFORM_WORDS = (r"(?:outperform\w*|surpass\w*|beat(?:s|ing)?|exceed\w*|improv\w+\s+over|better\s+than|"
                     r"ahead\s+of)(?![\w])")
OUTPERFORM_RE = re.compile(r"(?<![\w-])" + _OUTPERFORM_WORDS, re.IGNORECASE)
# The same three split for speed on lower-cased ASCII text: the word part without its leading look-behind (for
# wordscan.word_finditer with before=WORD_OR_HYPHEN) and the punctuation part. Words and marks share no
# character, so the matches of the whole are the matches of the two parts together.
RIGHT_STOP_WORDS_LOW = lower_twin(_RIGHT_STOP_WORDS)
RIGHT_STOP_MARKS = re.compile(_RIGHT_STOP_MARKS)
LEFT_STOP_WORDS_LOW = lower_twin(_LEFT_STOP_WORDS)
LEFT_STOP_MARKS = re.compile(_LEFT_STOP_MARKS)
OUTPERFORM_LOW = lower_twin(_OUTPERFORM_WORDS)
# Verbs of keeping part of something: "retains 95% of", "preserving 98.6%".
KEEP_RE = re.compile(r"(?<![\w-])(?:retain\w*|preserv\w*|maintain\w*|keep\w*|recover\w*|achiev\w*|reach\w*|"
                     r"attain\w*|match\w*)(?![\w])", re.IGNORECASE)
STRONG_KEEP_RE = re.compile(r"(?<![\w-])(?:retain\w*|preserv\w*|maintain\w*|keep\w*|recover\w*)(?![\w])",
                            re.IGNORECASE)
# Sentences about other work ("Existing methods, however, can be up to 4x slower") are background.
BACKGROUND_RE = re.compile(
    r"\s*(?:(?:however|yet|but|unfortunately|in\s+practice|today|currently),?\s+)?(?:the\s+|most\s+|many\s+|these\s+)?"
    r"(?:existing|prior|previous|current|conventional|traditional|standard|typical|popular|recent|classical)\s+"
    r"(?:\w+[\s-]){0,2}?(?:methods?|approaches|works?|systems?|techniques|solutions|models|frameworks|algorithms|"
    r"baselines|designs)\b", re.IGNORECASE)
ABSOLUTE_RE = re.compile(r"\s?(?:absolute|abs\.?)(?![\w])", re.IGNORECASE)
METRIC_POINT_RE = re.compile(
    r"\s?(?:(?:absolute|average|avg\.?|test|validation|top-?[15]|accuracy|[\w@-]{1,30})\s+){0,3}?"
    r"(?:points?|pts?|pp)(?![\w])", re.IGNORECASE)
# A number followed directly by a quality metric name: "+2.1 mAP", "by 3.6 mIoU", "0.6 top-1 accuracy".
METRIC_AFTER_RE = re.compile(
    r"\s?(?:(?:top-?[15]|average|avg\.?|absolute)\s+)?(?:mAP|AP|mIoU|IoU|BLEU|ROUGE(?:-\w+)?|F1|PSNR|dB|"
    r"accuracy|acc\.?|FID|CIDEr|NDCG|nDCG|EM|Elo|AUC|SSIM|(?:test\s+)?perplexity|PPL|WER|points?)(?![\w])")
SENT_RE = re.compile(r"(?<!\b[A-Za-z])(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bvs)[.!?](?=\s+[A-Z(\[]|\s*$)|\n\n")


# ---- speed: the big alternations are only tried at words whose first letters can start a match --------------------
CUE_SCAN = trigger_scanner(trigger_set(CUE_RE))
POL_SCAN = trigger_scanner(trigger_set(POL_RE))
# CUE_RE / POL_RE on lower-cased ASCII text, compiled per first letters (see BranchDispatch)
CUE_DISPATCH = BranchDispatch(CUE_HEAD, CUE_GROUPS, CUE_TAIL)
POL_DISPATCH = BranchDispatch(POL_HEAD, POL_GROUPS, POL_TAIL)
