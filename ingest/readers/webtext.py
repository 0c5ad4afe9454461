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
    for prefix in GLUED_PREFIXES:
        if line.startswith(prefix) and len(line) > len(prefix):
            rest = line[len(prefix):]
            if rest[0].isupper() or rest[0].isdigit():
                return rest
    return line


def is_title(line: str) -> bool:
    """Short, no final period, not many words."""
    return (
        len(line) <= MAX_TITLE_CHARS
        and not line.endswith(".")
        and line.count(" ") < MAX_TITLE_WORDS
    )


def units(text: str) -> list[str]:
    """Lines that carry content. Hard-wrapped paragraphs (only short lines, blank-line separated) are joined;
    paragraphs that hold long lines are taken line by line (title/abstract alternate)."""
    out: list[str] = []
    for para in re.split(r"\n[ \t]*\n", text):
        lines = [collapse(x) for x in para.split("\n")]
        lines = [unglue(x) for x in lines if x and not is_chrome(x)]
        lines = [x for x in lines if x and not is_chrome(x)]
        if len(lines) <= 1 or max(len(x) for x in lines) > MIN_PROSE_CHARS or _alternates(lines):
            out.extend(lines)
        elif is_title(lines[0]) and not is_title(lines[-1]) or sum(len(x) for x in lines) > MAX_TITLE_CHARS:
            # "Title\nwrapped abstract line\n..." or a wrapped abstract alone
            head = [lines[0]] if is_title(lines[0]) and len(lines[0]) < 0.8 * max(len(x) for x in lines) else []
            out.extend(head + [" ".join(lines[len(head):])])
        else:
            out.append(" ".join(lines))  # a title wrapped over lines
    return out


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
