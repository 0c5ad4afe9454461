"""Bad files fail with one clear line naming the file and the problem, never a traceback."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.readers import read_bytes, read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"


def error_of(path: Path) -> str:
    with pytest.raises(ParseError) as info:
        read_file(path)
    return str(info.value)


def test_empty_file():
    assert error_of(FIXTURES / "empty.csv") == "empty.csv: file is empty"


def test_zero_bytes():
    with pytest.raises(ParseError, match=r"^none\.bib: file is empty$"):
        read_bytes(b"", "none.bib")


def test_binary_file():
    assert error_of(FIXTURES / "binary.dat") == "binary.dat: looks like a binary file, not text"


def test_zip_archive_is_binary():
    with pytest.raises(ParseError, match=r"^papers\.zip: looks like a binary file, not text"):
        read_bytes(b"PK\x03\x04" + bytes(100), "papers.zip")


def test_truncated_json():
    assert error_of(FIXTURES / "truncated.json").startswith("truncated.json: truncated or invalid JSON: ")


def test_jsonl_where_no_line_parses():
    with pytest.raises(ParseError, match=r"^bad\.jsonl: truncated or invalid JSON: "):
        read_bytes(b'{"id": "1", "title": \n{"id": "2",\n', "bad.jsonl")


def test_truncated_xml_names_the_line():
    message = error_of(FIXTURES / "truncated.atom.xml")
    assert message.startswith("truncated.atom.xml: invalid XML: ")
    assert "line 20" in message


def test_entity_bomb_is_refused():
    message = error_of(FIXTURES / "entity_bomb.atom.xml")
    assert message.startswith("entity_bomb.atom.xml: XML with entity or DTD declarations is refused")


def test_unknown_format_lists_the_supported_ones():
    assert error_of(FIXTURES / "unknown.txt") == (
        "unknown.txt: could not recognise the format; supported: "
        "webtext, atom, oai_pmh, arxiv_jsonl, semantic_scholar, openalex, bibtex, ris, wos, csv"
    )


def test_csv_without_abstract_column_names_the_columns():
    assert error_of(FIXTURES / "no_abstract_column.csv") == (
        "no_abstract_column.csv: no abstract column (found columns: Title, Authors, Year)"
    )


def test_unknown_explicit_format():
    with pytest.raises(ParseError, match=r"^x\.txt: unknown format 'pdf'; supported: "):
        read_bytes(b"anything", "x.txt", fmt="pdf")


def test_corrupt_gzip():
    data = gzip.compress(b'{"id": "1"}\n')[:12]
    with pytest.raises(ParseError, match=r"^a\.jsonl\.gz: corrupt gzip data"):
        read_bytes(data, "a.jsonl.gz")


def test_missing_file_is_a_parse_error():
    with pytest.raises(ParseError, match=r"^nope\.csv: cannot open file"):
        read_file(FIXTURES / "nope.csv")


def test_all_records_skipped_is_not_an_error():
    data = b"Title,Abstract\nA,[No abstract available]\nB,\n"
    result = read_bytes(data, "s.csv")
    assert result.records == []
    assert [(s.index, s.reason, s.title) for s in result.skipped] == [
        (1, "abstract is a placeholder", "A"),
        (2, "no abstract", "B"),
    ]


def test_atom_feed_with_no_entries_is_empty_not_an_error():
    result = read_bytes(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>q</title></feed>', "empty.xml")
    assert (result.records, result.skipped, result.notes) == ([], [], ["no paper records found"])


def test_pathological_brace_nesting_is_fast_and_reported():
    data = ("@article{k, title={" + "{" * 50_000 + "}, abstract={x}}\n").encode()
    result = read_bytes(data, "deep.bib")
    assert result.skipped[0].reason.startswith("invalid BibTeX entry")


def test_long_lines_of_angle_brackets_do_not_hang_html_stripping():
    data = ("Title,Abstract\nT," + "<p " * 20_000 + "\n").encode()
    assert len(read_bytes(data, "angles.csv").skipped) + len(read_bytes(data, "angles.csv").records) == 1


# --- robustness: whatever the bytes, a reader returns a result or raises ParseError -----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ingest.readers import FORMATS  # noqa: E402
from ingest.records import ReadResult  # noqa: E402

# Text made of the characters that drive the parsers (delimiters, braces, tags, tag prefixes).
format_ish = st.text(alphabet=st.sampled_from(list('{}[]<>@="#,;\t\n\r\\$ TYERPAUBabc:-.0123456789é')), max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(data):
    try:
        assert isinstance(read_bytes(data, "fuzz.bin"), ReadResult)
    except ParseError as exc:
        assert str(exc).startswith("fuzz.bin: ") and "\n" not in str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=format_ish, fmt=st.sampled_from(FORMATS))
def test_every_parser_survives_odd_text(text, fmt):
    try:
        result = read_bytes(text.encode(), "fuzz.txt", fmt)
    except ParseError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(r.title and r.abstract for r in result.records)
