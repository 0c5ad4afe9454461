"""BibTeX exports with abstracts (Zotero, Mendeley, arXiv, Google Scholar).

A small brace-matching parser rather than a dependency. The file is first cut at every line that starts
with '@type{', so a broken entry (unbalanced braces, missing '=') only loses itself: it is reported as
skipped and the entries around it are kept.
"""
from __future__ import annotations

import re

from ingest.records import Record, Skipped
from ingest.readers.clean import collapse, collect, make_record
from ingest.readers.latex import latex_text

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*([{(])", re.MULTILINE)
_FIELD_NAME = re.compile(r"[A-Za-z][\w.:+-]{0,60}")
_NUMBER = re.compile(r"\d+")
MONTHS = {m: str(i) for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


class BibError(ValueError):
    """One entry cannot be parsed; the message says where."""


class _Cursor:
    """Reads one entry's body: key, then name = value pairs."""

    def __init__(self, text: str, macros: dict[str, str]):
        self.text, self.pos, self.macros = text, 0, macros

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n,":
            self.pos += 1

    def braced(self) -> str:
        """Contents of a {...} group starting at pos, nested braces kept."""
        depth, start = 0, self.pos
        for i in range(self.pos, len(self.text)):
            char = self.text[i]
            if char == "{" and (i == 0 or self.text[i - 1] != "\\"):
                depth += 1
            elif char == "}" and (i == 0 or self.text[i - 1] != "\\"):
                depth -= 1
                if depth == 0:
                    self.pos = i + 1
                    return self.text[start + 1 : i]
        raise BibError("unbalanced braces")

    def quoted(self) -> str:
        """Contents of a "..." value; quotes inside braces do not end it."""
        depth = 0
        for i in range(self.pos + 1, len(self.text)):
            char = self.text[i]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0 and self.text[i - 1] != "\\":
                value, self.pos = self.text[self.pos + 1 : i], i + 1
                return value
        raise BibError("unterminated quoted value")

    def value(self) -> str:
        """Pieces joined with '#': braced, quoted, numbers or @string macros."""
        pieces = []
        while True:
            self.skip_space_only()
            char = self.text[self.pos : self.pos + 1]
            if char == "{":
                pieces.append(self.braced())
            elif char == '"':
                pieces.append(self.quoted())
            else:
                match = _NUMBER.match(self.text, self.pos) or _FIELD_NAME.match(self.text, self.pos)
                if not match:
                    raise BibError(f"unexpected {char!r} in a value" if char else "entry ends inside a value")
                word, self.pos = match.group(0), match.end()
                pieces.append(self.macros.get(word.lower(), MONTHS.get(word.lower()[:3], word)))
            self.skip_space_only()
            if self.text.startswith("#", self.pos):
                self.pos += 1
                continue
            return "".join(pieces)

    def skip_space_only(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def fields(self) -> dict[str, str]:
        out: dict[str, str] = {}
        while True:
            self.skip_space()
            if self.pos >= len(self.text):  # a value swallowed the closing brace
                raise BibError("entry is not closed (unbalanced braces?)")
            if self.text[self.pos] in "})":
                return out
            match = _FIELD_NAME.match(self.text, self.pos)
            if not match:
                raise BibError(f"expected a field name, found {self.text[self.pos]!r}")
            name, self.pos = match.group(0).lower(), match.end()
            self.skip_space_only()
            if not self.text.startswith("=", self.pos):
                raise BibError(f"expected '=' after field {name!r}")
            self.pos += 1
            out[name] = self.value()


def parse_entry(body: str, macros: dict[str, str]) -> tuple[str, dict[str, str]]:
    """(citation key, fields) of one entry body (the text after '@type{')."""
    key, comma, rest = body.partition(",")
    if not comma or "=" in key or "\n" in key.strip():
        raise BibError("missing citation key")
    return key.strip(), _Cursor(rest, macros).fields()


def _authors(value: str) -> list[str]:
    """'Last, First and Other, A.' -> ['First Last', 'A. Other'] (split only at brace depth 0)."""
    names, depth, start = [], 0, 0
    lowered = value.lower()
    i = 0
    while i < len(value):
        char = value[i]
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and lowered.startswith(" and ", i):
            names.append(value[start:i])
            i += 5
            start = i
            continue
        i += 1
    names.append(value[start:])
    out = []
    for name in (latex_text(n) for n in names):
        last, comma, first = name.partition(", ")
        out.append(f"{first} {last}" if comma and first and "," not in first else name)
    return [n for n in out if n and n.lower() != "others"]


def fields_to_record(index: int, fields: dict[str, str]) -> Record | Skipped:
    """Map BibTeX fields onto a Record; only title and abstract go through the LaTeX converter's full path."""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    eprint = fields.get("eprint") if archive == "arxiv" or not archive else None
    year = fields.get("year")
    month = fields.get("month")
    date = fields.get("date") or (f"{year}-{month}" if year and month and month.isdigit() else year)
    categories = [fields["primaryclass"]] if fields.get("primaryclass") else []
    categories += [k.strip() for k in re.split(r"[,;]", fields.get("keywords", "")) if k.strip()]
    return make_record(
        index,
        latex_text(fields.get("title", "")),
        latex_text(fields.get("abstract", "")),
        authors=_authors(fields.get("author", "")),
        date=date,
        year=year,
        arxiv_id=eprint or (fields.get("url") if "arxiv.org" in fields.get("url", "") else None),
        doi=fields.get("doi"),
        url=fields.get("url"),
        categories=[latex_text(c) for c in categories],
    )


def _rough_title(body: str) -> str | None:
    """Best-effort title of a broken entry, so the user can find it: the rest of the 'title =' line."""
    match = re.search(r"^\s*title\s*=\s*(.{1,300})", body, re.IGNORECASE | re.MULTILINE)
    if not match:
        return None
    return collapse(match.group(1).replace("{", "").replace("}", "").strip('",')) or None


def parse(text: str) -> tuple[list[Record], list[Skipped]]:
    """Every entry with a title, in file order; @string macros applied, @comment and @preamble ignored."""
    macros: dict[str, str] = {}
    items: list[Record | Skipped] = []
    starts = list(_ENTRY_START.finditer(text))
    for n, match in enumerate(starts):
        kind = match.group(1).lower()
        body = text[match.end() : starts[n + 1].start() if n + 1 < len(starts) else len(text)]
        if kind in ("comment", "preamble"):
            continue
        if kind == "string":
            try:
                macros.update({k: v for k, v in _Cursor(body, macros).fields().items()})
            except BibError:
                pass
            continue
        index = len(items) + 1
        try:
            _, fields = parse_entry(body, macros)
        except BibError as exc:
            items.append(Skipped(index, f"invalid BibTeX entry: {exc}", _rough_title(body)))
            continue
        items.append(fields_to_record(index, fields))
    return collect(items)
