"""Hostile and broken input at every reader and at the extractor (property-based, with hypothesis).

Whatever the bytes, `read_bytes(data, "x", fmt)` - for every format and for auto-detection - returns a
well-formed ReadResult or raises the one named error, ParseError, with a one-line message. Any other
exception (RecursionError, UnicodeError, TypeError, MemoryError...) is a bug. Every call is time-bounded:
it runs in a worker thread, a call still running after HANG_SECONDS fails the test as a hang, and the
thread's CPU time must stay under the per-size limit (CPU, not wall time, so other processes on the
machine do not make the test flaky). XML must never resolve external entities or expand entity bombs.

`extract(title, abstract)` never raises, stays bounded on pathological strings, and every claim's text
is exactly abstract[start:end].

The cases run, outcomes and the slowest call per test are written to test-artifacts/hostile_input.json
(the figures quoted in docs/reliability.md). Example counts are explicit in each @settings.
"""
from __future__ import annotations

import gzip
import json
import random
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import pipeline
from ingest.errors import ParseError
from ingest.extract import FIELDS, extract
from ingest.readers import FORMATS, read_bytes
from ingest.records import ReadResult, Record, Skipped

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILES = sorted(
    p
    for folder in (ROOT / "tests/fixtures/readers", ROOT / "tests/fixtures/corpora", ROOT / "data/samples")
    for p in folder.iterdir()
    if p.is_file()
)
SMALL = [p for p in FIXTURE_FILES if p.stat().st_size <= 100_000]
LARGE = [p for p in FIXTURE_FILES if p.stat().st_size > 100_000]
FMTS = (None, *FORMATS)  # None: auto-detection
HANG_SECONDS = 60.0
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "/usr/sbin/nologin")

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---------------------------------------------------------------- bookkeeping

STATS: dict[str, dict] = defaultdict(lambda: {"cases": 0, "outcomes": Counter(), "max_cpu_s": 0.0, "max_bytes": 0})


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    total = sum(s["cases"] for s in STATS.values())
    doc = {name: {**s, "outcomes": dict(s["outcomes"]), "max_cpu_s": round(s["max_cpu_s"], 4)} for name, s in STATS.items()}
    (out / "hostile_input.json").write_text(json.dumps({"total_cases": total, "tests": doc}, indent=1))


def bounded(fn, *args, limit: float, stat: str, size: int):
    """Run fn(*args) in a worker thread; fail on a hang or on more than `limit` CPU seconds.

    Returns ("ok", value) or ("error", exception): the caller decides which exceptions are allowed.
    """
    box: dict = {}

    def work():
        t0 = time.thread_time()
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller, which judges it
            box["error"] = exc
        box["cpu"] = time.thread_time() - t0

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(HANG_SECONDS)
    if worker.is_alive():
        pytest.fail(f"{stat}: call still running after {HANG_SECONDS:.0f} s on {size:,} input units (a hang)")
    s = STATS[stat]
    s["cases"] += 1
    s["max_cpu_s"] = max(s["max_cpu_s"], box["cpu"])
    s["max_bytes"] = max(s["max_bytes"], size)
    assert box["cpu"] < limit, f"{stat}: {box['cpu']:.2f} s CPU for {size:,} input units (limit {limit:.1f} s)"
    return ("error", box["error"]) if "error" in box else ("ok", box["value"])


def read_limit(n_bytes: int) -> float:
    """2 s for a file of up to 100 KB, plus 2 s per further MB."""
    return 2.0 + 2.0 * max(0, n_bytes - 100_000) / 1e6


# ---------------------------------------------------------------- the reader contract

def check_read(data: bytes, fmt: str | None, stat: str, limit: float | None = None) -> ReadResult | None:
    """read_bytes returns a well-formed result or raises ParseError('x: ...'); nothing else, in bounded time."""
    kind, value = bounded(read_bytes, data, "x", fmt, limit=limit or read_limit(len(data)), stat=stat, size=len(data))
    if kind == "error":
        if not isinstance(value, ParseError):
            raise AssertionError(f"{type(value).__name__} escaped read_bytes (fmt={fmt}): {value!r}") from value
        message = str(value)
        assert message.startswith("x: ") and "\n" not in message and len(message) < 1000, message
        STATS[stat]["outcomes"]["ParseError"] += 1
        return None
    result = value
    assert isinstance(result, ReadResult) and result.source == "x"
    assert result.format in FORMATS and (fmt is None or result.format == fmt)
    for r in result.records:
        assert isinstance(r, Record)
        assert isinstance(r.title, str) and r.title.strip() and isinstance(r.abstract, str) and r.abstract.strip()
        assert all(isinstance(a, str) and a for a in r.authors)
        assert all(isinstance(c, str) and c for c in r.categories)
        for name in ("date", "arxiv_id", "doi", "url"):
            assert getattr(r, name) is None or isinstance(getattr(r, name), str), name
        assert r.year is None or (isinstance(r.year, int) and not isinstance(r.year, bool))
    for s in result.skipped:
        assert isinstance(s, Skipped) and isinstance(s.index, int) and isinstance(s.reason, str) and s.reason
        assert s.title is None or isinstance(s.title, str)
    assert all(isinstance(n, str) for n in result.notes)
    STATS[stat]["outcomes"]["records" if result.records else "no records"] += 1
    return result


def all_text(result: ReadResult | None) -> str:
    if result is None:
        return ""
    return json.dumps([r.to_dict() for r in result.records] + [s.__dict__ for s in result.skipped], ensure_ascii=False)


# ---------------------------------------------------------------- random input

fmts = st.sampled_from(FMTS)

# Text made of what drives the parsers: delimiters, braces, tags, tag prefixes, entities, escapes, numbers.
PARSER_TOKENS = [
    "{", "}", "[", "]", "<", ">", "</", "/>", "@article{", "@string{", "TY  - ", "ER  - ", "AB  - ", "TI  - ",
    "PT J\n", "ER\n", "FN ", "   ", '"', "'", ",", ";", "\t", "\n", "\n\n", "\r", "\\", "\\%", "$", "#", "=",
    ":", "&amp;", "&#x0;", "&lt;", "<entry>", "</entry>", "<title>", "<summary>", "<feed>", "<![CDATA[", "]]>",
    '{"title": "', '"abstract": "', '"summary": ', "null", "true", "1e999", "-0", "Title,Abstract\n",
    "abstract_inverted_index", "paperId", "\ufeff", "\u202e", "\x00", "\x1b", "é", "𝔘", "2.5x", "30%", "up to",
]
format_text = st.lists(st.one_of(st.sampled_from(PARSER_TOKENS), st.text(max_size=12)), max_size=200).map("".join)


@settings(max_examples=300, **SETTINGS)
@given(data=st.binary(max_size=3000), fmt=fmts)
def test_random_bytes(data, fmt):
    check_read(data, fmt, "reader: random bytes")


@settings(max_examples=300, **SETTINGS)
@given(text=st.text(max_size=3000), fmt=fmts, encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_random_unicode(text, fmt, encoding):
    check_read(text.encode(encoding, "surrogatepass"), fmt, "reader: random unicode")


@settings(max_examples=300, **SETTINGS)
@given(text=format_text, fmt=fmts, gz=st.booleans())
def test_format_shaped_text(text, fmt, gz):
    data = text.encode("utf-8", "surrogatepass")
    check_read(gzip.compress(data) if gz else data, fmt, "reader: format-shaped text")


@settings(max_examples=60, **SETTINGS)
@given(
    seed=st.integers(0, 2**32 - 1), size=st.integers(1_000, 100_000),
    kind=st.sampled_from(["bytes", "unicode", "tokens"]), fmt=fmts,
)
def test_large_random_inputs(seed, size, kind, fmt):
    """Hypothesis keeps its own examples small; these are 1-100 KB, drawn from a seeded generator."""
    rng = random.Random(seed)
    if kind == "bytes":
        data = rng.randbytes(size)
    elif kind == "unicode":
        ranges = [(0x20, 0x7F), (0xA0, 0x3000), (0x1F300, 0x1F600), (0x0, 0x20)]
        weights = [60, 30, 9.8, 0.2]
        data = "".join(
            chr(rng.randrange(*rng.choices(ranges, weights)[0])) for _ in range(size // 2)
        ).encode("utf-8")
    else:
        data = "".join(rng.choice(PARSER_TOKENS) for _ in range(size // 4)).encode("utf-8")
    check_read(data, fmt, "reader: random 1-100 KB inputs")


# ---------------------------------------------------------------- every real fixture, truncated and mutated

def mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, byte) edits: 0 replace, 1 insert, 2 delete."""
    out = bytearray(data)
    for kind, pos, byte in edits:
        if not out and kind != 1:
            continue
        pos = pos % (len(out) + (kind == 1))
        if kind == 0:
            out[pos] = byte
        elif kind == 1:
            out.insert(pos, byte)
        else:
            del out[pos]
    return bytes(out)


edits = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=40)


@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.name)
@settings(max_examples=10, **SETTINGS)
@given(cut=st.floats(0, 1), fmt=fmts)
def test_truncated_fixture(path, cut, fmt):
    data = path.read_bytes()
    check_read(data[: int(len(data) * cut)], fmt, "reader: truncated fixtures")


@pytest.mark.parametrize("path", SMALL, ids=lambda p: p.name)
@settings(max_examples=10, **SETTINGS)
@given(changes=edits, fmt=fmts)
def test_mutated_fixture(path, changes, fmt):
    check_read(mutate(path.read_bytes(), changes), fmt, "reader: mutated fixtures")


@pytest.mark.parametrize("path", LARGE, ids=lambda p: p.name)
@settings(max_examples=4, **SETTINGS)
@given(cut=st.floats(0, 1), changes=edits, fmt=fmts)
def test_truncated_and_mutated_large_fixture(path, cut, changes, fmt):
    """The large corpora (up to 2.8 MB): cut anywhere, then mutated; auto-detection or a forced format."""
    data = path.read_bytes()
    check_read(mutate(data[: int(len(data) * cut)], changes), fmt, "reader: large fixtures, cut + mutated")


# ---------------------------------------------------------------- deep nesting, huge fields

DEEP = {
    "json [ x100k": b"[" * 100_000,
    "json { x100k": b'{"a":' * 100_000,
    "json closed [ x100k": b"[" * 100_000 + b"]" * 100_000,
    "jsonl: one deep line among good ones": b'{"title": "Deep", "abstract": ' + b"[" * 100_000 + b"}\n"
    + b'{"id": "2401.00001", "title": "Fine", "summary": "An abstract long enough to be kept as one."}\n',
    "xml <x> x100k unclosed": b'<feed xmlns="http://www.w3.org/2005/Atom">' + b"<x>" * 100_000,
    "xml <x> x100k closed": b'<feed xmlns="http://www.w3.org/2005/Atom">' + b"<x>" * 100_000 + b"</x>" * 100_000
    + b"<entry><title>T</title><summary>An abstract long enough to be kept as one.</summary></entry></feed>",
    "bibtex { x100k": b"@article{k, title={" + b"{" * 100_000 + b"}, abstract={x}}\n",
    "csv quote never closed": b'Title,Abstract\nT,"' + b"a, b" * 50_000,
    "ris tag lines x50k": b"TY  - JOUR\n" + b"AB  - x\n" * 50_000,
    "wos continuation x50k": b"FN Clarivate\nVR 1.0\nPT J\nAB x\n" + b"   more\n" * 50_000 + b"ER\nEF\n",
}


@pytest.mark.parametrize("name", DEEP)
@pytest.mark.parametrize("fmt", FMTS, ids=str)
def test_deep_nesting(name, fmt):
    check_read(DEEP[name], fmt, "reader: deep nesting")


def test_a_deep_json_line_is_skipped_and_the_rest_kept():
    result = check_read(DEEP["jsonl: one deep line among good ones"], None, "reader: deep nesting")
    assert [r.title for r in result.records] == ["Fine"]
    assert [s.index for s in result.skipped] == [1]


HUGE = "We reduce memory by 30% and run 2.5x faster on long inputs. " * 170_000  # ~10 MB
HUGE_FILES = {
    "arxiv_jsonl": json.dumps({"id": "2401.00001", "title": "Huge", "summary": HUGE}),
    "semantic_scholar": json.dumps({"paperId": "p", "title": "Huge", "abstract": HUGE}),
    "openalex": json.dumps({"display_name": "Huge", "abstract_inverted_index": None, "abstract": HUGE}),
    "csv": "Title,Abstract\nHuge," + HUGE + "\n",
    "bibtex": "@article{k, title={Huge}, abstract={" + HUGE + "}}\n",
    "ris": "TY  - JOUR\nTI  - Huge\nAB  - " + HUGE + "\nER  - \n",
    "wos": "FN Clarivate\nVR 1.0\nPT J\nTI Huge\nAB " + HUGE + "\nER\nEF\n",
    "atom": '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Huge</title><summary>' + HUGE
    + "</summary></entry></feed>",
    "webtext": "Huge\n\n" + HUGE + "\n",
}


@pytest.mark.parametrize("fmt", HUGE_FILES)
def test_a_10_mb_abstract_is_read_whole(fmt):
    data = HUGE_FILES[fmt].encode()
    result = check_read(data, fmt, "reader: 10 MB field", limit=15.0)
    assert [r.title for r in result.records] == ["Huge"]
    assert len(result.records[0].abstract) == len(HUGE.strip())


def test_a_huge_title_and_a_million_authors():
    data = json.dumps(
        {"id": "2401.00002", "title": "T" * 1_000_000, "summary": "An abstract long enough to be kept.",
         "authors": ["A. Author"] * 1_000_000}
    ).encode()
    result = check_read(data, None, "reader: 10 MB field", limit=15.0)
    assert len(result.records[0].authors) == 1_000_000


def test_a_gzip_bomb_is_refused_without_reading_forever():
    bomb = gzip.compress(b"\0" * 64 * 1024**2, compresslevel=9)  # 64 KB that inflate to 64 MB of NULs
    assert len(bomb) < 100_000
    assert check_read(bomb, None, "reader: gzip bomb", limit=15.0) is None


# ---------------------------------------------------------------- XML entities

XML_ATTACKS = {
    "billion laughs": '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + ']><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&j;</title><summary>&j; &j; &j; &j;</summary>'
    "</entry></feed>",
    "quadratic blowup": '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x "' + "A" * 100_000 + '">]>'
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title><summary>' + "&x;" * 10_000
    + "</summary></entry></feed>",
    "external entity": '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Leak &x;</title>'
    "<summary>An abstract long enough to be kept: &x;</summary></entry></feed>",
    "external parameter entity": '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Leak</title>'
    "<summary>An abstract long enough to be kept here.</summary></entry></feed>",
    "external DTD": '<?xml version="1.0"?><!DOCTYPE feed SYSTEM "file:///etc/passwd">'
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Leak</title>'
    "<summary>An abstract long enough to be kept here.</summary></entry></feed>",
    "xinclude": '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:xi="http://www.w3.org/2001/XInclude"><entry>'
    '<title>Leak</title><summary>An abstract long enough to be kept: <xi:include href="file:///etc/passwd" '
    'parse="text"/></summary></entry></feed>',
    "http entity": '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title><summary>&x;</summary></entry></feed>',
}


@pytest.mark.parametrize("name", XML_ATTACKS)
@pytest.mark.parametrize("fmt", FMTS, ids=str)
def test_xml_entities_are_never_resolved_or_expanded(name, fmt):
    data = XML_ATTACKS[name].encode()
    result = check_read(data, fmt, "reader: XML entity attacks", limit=2.0)
    text = all_text(result)
    assert not any(marker in text for marker in PASSWD_MARKERS)
    assert "lollollol" not in text and "A" * 1000 not in text.replace(XML_ATTACKS[name], "")
    if fmt in (None, "atom") and "<!ENTITY" in XML_ATTACKS[name]:
        assert result is None  # declarations are refused outright, with the named error


def test_entity_declarations_are_refused_with_a_clear_message():
    for name in ("billion laughs", "external entity", "external parameter entity"):
        with pytest.raises(ParseError, match=r"^x: XML with entity or DTD declarations is refused"):
            read_bytes(XML_ATTACKS[name].encode(), "x")


# ---------------------------------------------------------------- no partial write

def test_a_hostile_file_in_an_upload_writes_nothing(fresh_db, tmp_path):
    good = ROOT / "tests/fixtures/readers/zotero.bib"
    pipeline.add_files(fresh_db, [good])
    count = lambda t: fresh_db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
    before = {t: count(t) for t in ("papers", "ingests", "paper_sources", "claims")}
    for name, data in {
        "bomb.xml": XML_ATTACKS["billion laughs"].encode(),
        "deep.json": DEEP["json [ x100k"],
        "cut.json": (ROOT / "tests/fixtures/readers/semantic_scholar_search.json").read_bytes()[:700],
        "image.png": b"\x89PNG\r\n\x1a\n" + random.Random(0).randbytes(5000),
    }.items():
        bad = tmp_path / name
        bad.write_bytes(data)
        fresh = tmp_path / "fresh.ris"
        fresh.write_bytes((ROOT / "tests/fixtures/readers/mendeley.ris").read_bytes())
        with pytest.raises(ParseError, match=rf"^{name.replace('.', '[.]')}: "):
            pipeline.add_files(fresh_db, [fresh, bad])
        assert {t: count(t) for t in before} == before


@pytest.mark.parametrize(
    "title", ["深度学习的高效推理", "Ωμέγα", "???", "\x1a", "—", "\u202e"], ids=["cjk", "greek", "marks", "ctrl", "dash", "rlo"]
)
def test_a_title_without_ascii_letters_is_stored_and_deduplicated(fresh_db, title):
    """Such a title has no ASCII identity key; it used to crash the upload with an IndexError."""
    abstract = "An abstract long enough to be kept, 2x faster."
    result = ReadResult(source="t.csv", format="csv", records=[Record(title, abstract), Record(title, abstract)])
    summary = pipeline.add_results(fresh_db, [result], ["h"])[0]
    assert (summary.n_new, summary.n_duplicates) == (1, 1)
    assert fresh_db.execute("SELECT title, title_key <> '' FROM papers").fetchall() == [(title, True)]


# ---------------------------------------------------------------- the extractor

def check_extract(title: str, abstract: str, stat: str, limit: float = 2.0) -> dict:
    """extract() never raises, stays bounded, and every claim quotes its abstract exactly."""
    kind, out = bounded(extract, title, abstract, limit=limit, stat=stat, size=len(abstract))
    if kind == "error":
        raise AssertionError(f"extract raised {type(out).__name__}: {out!r}") from out
    assert tuple(out) == FIELDS
    assert out["method"] is None or isinstance(out["method"], str)
    assert isinstance(out["domains"], list) and isinstance(out["tradeoffs"], list)
    for c in out["claims"]:
        assert 0 <= c["start"] < c["end"] <= len(abstract), c
        assert abstract[c["start"] : c["end"]] == c["text"], c
        assert isinstance(c["value"], (int, float)) and c["value"] == c["value"], c  # not NaN
    STATS[stat]["outcomes"]["claims" if out["claims"] else "no claims"] += 1
    return out


NUMBER_TOKENS = [
    "1", "2.5", "10", "100", "0.5", "1e3", "1,000", "3/4", "x", "×", "%", "% ", "-", "–", "~", "±", "(", ")", ".",
    ",", " ", " ", " ", "up to", "up to up to", "from", "to", "by", "vs", "versus", "faster", "slower", "speedup",
    "memory", "fewer", "less", "reduction", "reduces", "accuracy", "drop", "points", "FLOPs", "GB", "tokens",
    "parameters", "times", "fold", "latency", "at least", "over", "than", "while", "only", "with", "and", "BLEU",
]
number_heavy = st.lists(st.sampled_from(NUMBER_TOKENS), max_size=1500).map(" ".join)


@settings(max_examples=300, **SETTINGS)
@given(title=st.text(max_size=200), abstract=st.text(max_size=3000))
def test_extract_random_unicode(title, abstract):
    check_extract(title, abstract, "extract: random unicode")


@settings(max_examples=200, **SETTINGS)
@given(abstract=number_heavy)
def test_extract_number_heavy_text(abstract):
    check_extract("T", abstract, "extract: number-heavy text")


@settings(max_examples=60, **SETTINGS)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1_000, 20_000), kind=st.sampled_from(["unicode", "numbers"]))
def test_extract_large_random_text(seed, size, kind):
    """Hypothesis keeps its own strings short; these are 1-20 KB, drawn from a seeded generator."""
    rng = random.Random(seed)
    if kind == "unicode":
        text = "".join(chr(rng.choice([rng.randrange(0x20, 0x7F), rng.randrange(0xA0, 0x3000)])) for _ in range(size))
    else:
        text = " ".join(rng.choice(NUMBER_TOKENS) for _ in range(size // 4))
    check_extract("T", text, "extract: random 1-20 KB text", limit=5.0)


REAL_ABSTRACTS = [
    json.loads(line)["summary"]
    for line in (ROOT / "tests/fixtures/corpora/arxiv-daily-2026-05-19.jsonl").read_text(encoding="utf-8").splitlines()
][:300]


@settings(max_examples=200, **SETTINGS)
@given(i=st.integers(0, len(REAL_ABSTRACTS) - 1), inserts=st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(NUMBER_TOKENS + PARSER_TOKENS)), max_size=30))
def test_extract_mutated_real_abstracts(i, inserts):
    text = REAL_ABSTRACTS[i]
    for pos, token in inserts:
        pos %= len(text) + 1
        text = text[:pos] + token + text[pos:]
    check_extract("T", text, "extract: mutated real abstracts")


PATHOLOGICAL = {
    "1 x50000": "1" * 50_000,
    "x x50000": "x" * 50_000,
    "1.1.1. x12500": "1.1." * 12_500,
    "'% ' x25000": "% " * 25_000,
    "'1% ' x16000": "1% " * 16_000,
    "'1 ' x25000": "1 " * 25_000,
    "'1,' x25000": "1," * 25_000,
    "'up to ' x8000": "up to " * 8_000,
    "'up to up to 2x ' x3000": "up to up to 2x " * 3_000,
    "'from 1 to 2 ' x4000": "from 1 to 2 " * 4_000,
    "'2.5x faster 30% less memory ' x1500": "2.5x faster 30% less memory " * 1_500,
    "'(' x50000": "(" * 50_000,
    "'±1' x20000": "±1" * 20_000,
    "'-' x50000": "-" * 50_000,
    "'1e' x25000": "1e" * 25_000,
    "spaces x50000": " " * 50_000,
    "one 50000-char word": "Speedup" + "a" * 50_000,
    "digits then unit x5000": "".join(f"{i}x " for i in range(5_000)),
    "sentence without end": "we reduce memory by " * 2_500 + "30%",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_extract_pathological_strings(name):
    """Linear work: the slowest of these (~50,000 numbers) takes seconds; none backtracks. The 60 s CPU bound
    catches super-linear work (quadratic on 25,000 numbers is hours), not slowness: speed is bench_extract.py's job."""
    check_extract(name, PATHOLOGICAL[name], "extract: pathological 40-60 KB strings", limit=60.0)


def test_extract_a_200_kb_real_text_is_linear():
    text = " ".join(REAL_ABSTRACTS) [:200_000]
    check_extract("T", text, "extract: 200 KB of real abstracts", limit=60.0)
