"""Frames -> file bytes for every export format, shared by the Export page and `python -m ingest export`.

Pure functions (no database, no Streamlit) so the bytes a user downloads are exactly the bytes tests
parse back. Spreadsheet cells that start with =, +, -, @ (or a tab / carriage return) are prefixed with
an apostrophe so Excel or LibreOffice never runs a paper title as a formula (CSV injection).
"""
from __future__ import annotations

import io
import json
import math
import re
from typing import Any, Iterable

import pandas as pd

FORMATS = ("csv", "xlsx", "parquet", "json", "bibtex")
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "parquet": "parquet", "json": "json", "bibtex": "bib"}
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
    "bibtex": "application/x-bibtex",
}
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise_cell(value: Any) -> Any:
    """'=cmd()' -> "'=cmd()"; numbers (a -1.5 quality drop) stay numbers."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_START):
        return "'" + value
    return value


def _is_listlike(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, (str, bytes)) and getattr(value, "ndim", 0) == 1)


def flatten_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (authors, domains) as 'a; b' text, for formats without lists."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(_is_listlike).any():
            out[column] = out[column].map(
                lambda v: LIST_SEPARATOR.join(str(x) for x in list(v)) if _is_listlike(v) else v
            )
    return out


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Flattened and neutralised: what CSV and Excel get."""
    out = flatten_lists(frame)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens accents correctly; formulas neutralised."""
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters an .xlsx cell cannot hold


def _excel_text(value: Any) -> Any:
    """Drop the control characters openpyxl refuses (IllegalCharacterError would fail the whole export)."""
    return _XML_ILLEGAL.sub("", value) if isinstance(value, str) and _XML_ILLEGAL.search(value) else value


def _excel_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = flatten_lists(frame)
    for column in out.columns:  # before neutralising, so '\x01=cmd' cannot become a bare '=cmd'
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_excel_text)
    out = spreadsheet_safe(out)
    for column in out.columns:  # Excel has no time zones
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_localize(None)
    return out


def to_xlsx(frame: pd.DataFrame, claims: pd.DataFrame | None = None, points: pd.DataFrame | None = None,
            corrections: pd.DataFrame | None = None) -> bytes:
    """A workbook with a `papers` sheet and, when given, a `claims`, a `points` and a `corrections` sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _excel_frame(frame).to_excel(writer, sheet_name="papers", index=False)
        for name, table in (("claims", claims), ("points", points), ("corrections", corrections)):
            if table is not None:
                _excel_frame(table).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def to_parquet(frame: pd.DataFrame) -> bytes:
    """Typed columns, lists kept as lists (no neutralising: Parquet is not opened by a spreadsheet)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    if _is_listlike(value):
        return [_json_value(v) for v in list(value)]
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN -> null, numpy -> python, timestamps -> ISO text)."""
    columns = list(frame.columns)
    return [
        {c: _json_value(v) for c, v in zip(columns, row)}
        for row in frame.itertuples(index=False, name=None)
    ]


def to_json(frame: pd.DataFrame, claims: pd.DataFrame | None = None, points: pd.DataFrame | None = None,
            corrections: pd.DataFrame | None = None) -> bytes:
    """A list of papers; with claims (points, corrections), each paper carries its own list of them."""
    rows = records(frame)
    for key, table in (("claims", claims), ("points", points), ("corrections", corrections)):
        if table is None:
            continue
        by_paper: dict[str, list[dict]] = {}
        for c in records(table):
            by_paper.setdefault(c.pop("paper_id"), []).append(c)
        for row in rows:
            row[key] = by_paper.get(row.get("id"), [])
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


# ---------------------------------------------------------------- BibTeX

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIAL))


def bibtex_escape(text: str) -> str:
    """Escape LaTeX specials so a title can never close the field's braces early."""
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], " ".join(str(text).split()))


def bibtex_key(row: dict[str, Any], seen: set[str]) -> str:
    """first-author surname + year + first title word, made unique: 'smith2024fast'."""
    authors = row.get("authors")
    first = ""
    if _is_listlike(authors) and len(list(authors)):
        first = str(list(authors)[0]).split(",")[0].split()[-1] if str(list(authors)[0]).strip() else ""
    word = next((w for w in re.findall(r"[A-Za-z]+", str(row.get("title") or "")) if len(w) > 3), "paper")
    year = row.get("year")
    year = str(int(year)) if isinstance(year, (int, float)) and not (isinstance(year, float) and math.isnan(year)) else ""
    base = re.sub(r"[^a-z0-9]", "", f"{first}{year}{word}".lower()) or "paper"
    key, n = base, 1
    while key in seen:
        n += 1
        key = f"{base}{chr(ord('a') + (n - 2) % 26)}{'' if n < 28 else n}"
    seen.add(key)
    return key


def to_bibtex(frame: pd.DataFrame) -> bytes:
    """One @article (arXiv papers: @misc with eprint) per paper."""
    seen: set[str] = set()
    entries = []
    for row in records(frame):
        fields: list[tuple[str, str]] = [("title", "{" + bibtex_escape(row.get("title") or "") + "}")]
        authors = row.get("authors") or []
        if authors:
            fields.append(("author", " and ".join(bibtex_escape(a) for a in authors)))
        if row.get("year") is not None:
            fields.append(("year", str(int(row["year"]))))
        if row.get("arxiv_id"):
            fields += [("eprint", bibtex_escape(row["arxiv_id"])), ("archivePrefix", "arXiv")]
        if row.get("doi"):
            fields.append(("doi", bibtex_escape(row["doi"])))
        if row.get("url"):
            fields.append(("url", str(row["url"]).replace("{", "%7B").replace("}", "%7D")))
        note = _bibtex_note(row)
        if note:
            fields.append(("note", bibtex_escape(note)))
        if row.get("abstract"):
            fields.append(("abstract", bibtex_escape(row["abstract"])))
        kind = "misc" if row.get("arxiv_id") and not row.get("doi") else "article"
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{bibtex_key(row, seen)},\n{body}\n}}\n")
    return "\n".join(entries).encode("utf-8")


def _bibtex_note(row: dict[str, Any]) -> str:
    bits = []
    if row.get("method"):
        bits.append(f"method: {row['method']}")
    if row.get("best_speedup") is not None:
        bits.append(f"speed-up {row['best_speedup']:g}x")
    if row.get("quality_change") is not None:
        bits.append(f"quality {row['quality_change']:+g} points")
    return "; ".join(bits)


# ---------------------------------------------------------------- dispatch and names

def export_bytes(fmt: str, papers: pd.DataFrame, claims: pd.DataFrame | None = None,
                 points: pd.DataFrame | None = None, corrections: pd.DataFrame | None = None) -> bytes:
    """The papers (and, where the format can hold them, their claims, trade-off points and people's
    corrections) as `fmt` bytes."""
    if fmt == "csv":
        return to_csv(papers)
    if fmt == "xlsx":
        return to_xlsx(papers, claims, points, corrections)
    if fmt == "parquet":
        return to_parquet(papers)
    if fmt == "json":
        return to_json(papers, claims, points, corrections)
    if fmt == "bibtex":
        return to_bibtex(papers)
    raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")


def claims_bytes(fmt: str, claims: pd.DataFrame, what: str = "claims") -> bytes:
    """One table alone, the claims or (what="points") the trade-off points or (what="corrections") people's
    corrections: CSV, Parquet, JSON or Excel."""
    if fmt == "csv":
        return to_csv(claims)
    if fmt == "parquet":
        return to_parquet(claims)
    if fmt == "json":
        return json.dumps(records(claims), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(claims)
    raise ValueError(f"{what} cannot be exported as {fmt!r}")


def _slug(text: str, limit: int = 30) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:limit].strip("-")


def export_filename(filter_parts: Iterable[tuple[str, Any]], fmt: str, what: str = "papers") -> str:
    """A safe file name that says what was filtered: 'atlas-papers_domain-nlp_q-pruning.csv'."""
    bits = [f"atlas-{what}"]
    for name, value in filter_parts:
        if value in (None, "", (), [], False):
            continue
        if isinstance(value, (list, tuple)):
            value = "+".join(str(v) for v in value)
        bits.append(_slug(name, 12) + ("" if value is True else "-" + _slug(value)))
    stem = "_".join(b for b in bits if b)[:120].rstrip("-_")
    return f"{stem}.{EXTENSIONS[fmt]}"
