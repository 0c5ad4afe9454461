"""Text copied from a paper-listing web page (e.g. a "Daily Papers" page): titles and abstracts as
paragraphs or alternating lines, mixed with page chrome (buttons, headings, dates, vote counts).

Titles are told from abstracts by shape, not by position: a title is short and does not end with a
period; an abstract is long prose. So a missing abstract or a stray line cannot shift every later pair.
"""
from __future__ import annotations

import re

from ingest.records import Record, Skipped
from ingest.readers.clean import collapse, collect, make_record

# Whole lines that are page chrome, compared lower-cased after collapsing spaces.
CHROME_LINES = frozenset(
    {
        "new", "subscribe", "daily papers", "trending papers", "papers", "upvote", "submitted by",
        "get trending papers in your email inbox!", "get trending papers in your email inbox once a day!",
        "byak and the research community", "view paper", "read paper", "code", "pdf", "abstract", "load more",
        "previous", "next", "show more", "show less", "sign up", "log in", "login", "home", "search",
    }
)
# Button labels that a copy-paste can glue to the next title ("SubscribeGroup Generalized ...").
GLUED_PREFIXES = ("Get trending papers in your email inbox!", "Subscribe")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_CHROME_PATTERNS = (
    re.compile(rf"{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?", re.IGNORECASE),  # "Aug 11", "Aug 11, 2024"
    re.compile(rf"\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?", re.IGNORECASE),  # "11 Aug 2024"
    re.compile(r"\d{4}-\d{2}-\d{2}"),
    re.compile(r"[·•|\-\s]*\d+(?:\.\d+)?[kK]?\s*(?:upvotes?|comments?|authors?|likes?)?", re.IGNORECASE),
    re.compile(r"(?:submitted|published|posted) (?:by|on)\b.{0,80}", re.IGNORECASE),
)
MAX_TITLE_CHARS = 300
MAX_TITLE_WORDS = 40
MIN_PROSE_CHARS = 200  # a line this long is prose even without a final period


def is_chrome(line: str) -> bool:
    """Buttons, headings, dates and counters that are not part of any paper."""
    key = line.lower()
    return key in CHROME_LINES or any(p.fullmatch(line) for p in _CHROME_PATTERNS)


def unglue(line: str) -> str:
    """'SubscribeGroup Generalized Mean Pooling' -> 'Group Generalized Mean Pooling'."""
    changed = True
    while changed:
        changed = False
        for prefix in GLUED_PREFIXES:
            rest = line[len(prefix):]
            if line.startswith(prefix) and rest and (rest[0].isupper() or rest[0].isdigit()):
                line, changed = rest, True
    return line


def is_title(line: str) -> bool:
    """Short, no final period, not many words."""
    return (
        len(line) <= MAX_TITLE_CHARS
        and not line.endswith(".")
        and line.count(" ") < MAX_TITLE_WORDS
    )


def units(text: str) -> list[str]:
    """Content lines. Paragraphs holding long lines are taken line by line (title/abstract alternate);
    hard-wrapped paragraphs (only short lines) are joined, after splitting off a leading title line."""
    out: list[str] = []
    for para in re.split(r"\n[ \t]*\n", text):
        lines = [x for x in (collapse(x) for x in para.split("\n")) if x and not is_chrome(x)]
        if not out and lines:  # only the page's top can carry a button label glued to the first title
            lines[0] = unglue(lines[0])
        if len(lines) <= 1 or max(len(x) for x in lines) > MIN_PROSE_CHARS or _alternates(lines):
            out.extend(lines)
            continue
        joined = " ".join(lines)
        after_title = bool(out) and is_title(out[-1]) and len(out[-1]) < MIN_PROSE_CHARS
        if is_title(joined) or after_title or not _leading_title(lines):
            out.append(joined)  # a wrapped title, or a wrapped abstract
        else:
            out.extend([lines[0], " ".join(lines[1:])])
    return out


def _leading_title(lines: list[str]) -> bool:
    """The first line of a wrapped paragraph is a title when it is title-like and either ends early (the
    next line's first word would have fitted on it, which a greedy line-wrapper never leaves undone, or it
    is longer than the wrapped lines) or
    looks like a title (Title Case, or 'Name: subtitle') with the next line starting a sentence."""
    first, second = lines[0], lines[1]
    if not is_title(first):
        return False
    width = max(len(x) for x in lines[1:])
    ends_early = len(first) + 1 + len(second.split(" ", 1)[0]) <= width or len(first) > width
    return ends_early or ((_title_case(first) or ": " in first) and second[:1].isupper())


def _title_case(line: str) -> bool:
    """Most words of four letters or more are capitalised."""
    words = [w for w in line.split() if len(w) > 3 and w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _alternates(lines: list[str]) -> bool:
    """True when every other line ends a sentence: title/abstract pairs one per line."""
    return len(lines) >= 4 and all(x.endswith(".") for x in lines[1::2]) and not any(
        x.endswith(".") for x in lines[0::2]
    )


def parse(text: str) -> tuple[list[Record], list[Skipped]]:
    """Pair each title with the prose that follows it; prose after prose joins the same abstract."""
    items: list[Record | Skipped] = []
    title: str | None = None
    abstract: list[str] = []
    orphan_prose = 0

    def flush() -> None:
        if title is not None:
            items.append(make_record(len(items) + 1, title, " ".join(abstract)))

    for line in units(text):
        if is_title(line) and len(line) < MIN_PROSE_CHARS:
            flush()
            title, abstract = line, []
        elif title is None:
            orphan_prose += 1
            items.append(Skipped(len(items) + 1, "no title", None))
        else:
            abstract.append(line)
    flush()
    return collect(items)
