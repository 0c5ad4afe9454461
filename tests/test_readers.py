"""Readers: each supported export turns into clean paper records. One behaviour per test."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.readers import FORMATS, detect_format, read_bytes, read_file
from ingest.readers import atom, bibtex, clean, csvfmt, jsonfmt, latex, ris, webtext, wos

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "readers"
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
SAMPLES = ROOT / "data" / "samples"
SEED_000 = SAMPLES / "000_423b64eaf3071395.txt"
SEED_001 = SAMPLES / "001_43439270bb8cae3a.txt"


def gold(prefix: str) -> list[dict]:
    """True titles/abstracts of the seed pages, in file order ('000-N' / '001-N')."""
    rows = [json.loads(line) for line in (CORPORA / "seeds.jsonl").read_text().splitlines()]
    return [r for r in rows if r["id"].startswith(prefix + "-")]


def squash(text: str) -> str:
    return " ".join(text.split())


# --- web page text (the seed files) ---------------------------------------------------------------


def test_paragraph_page_gives_81_records():
    result = read_file(SEED_000)
    assert result.format == "webtext"
    assert len(result.records) == 81
    assert result.skipped == []


def test_line_by_line_page_gives_200_records():
    result = read_file(SEED_001)
    assert result.format == "webtext"
    assert len(result.records) == 200
    assert result.skipped == []


@pytest.mark.parametrize("path, prefix", [(SEED_000, "000"), (SEED_001, "001")])
def test_seed_pages_match_gold_titles_and_abstracts(path, prefix):
    records = read_file(path).records
    expected = gold(prefix)
    assert [r.title for r in records] == [g["title"] for g in expected]
    assert [squash(r.abstract) for r in records] == [squash(g["abstract"]) for g in expected]


def test_page_chrome_is_not_a_record():
    titles = {r.title for r in read_file(SEED_000).records}
    assert not titles & {"new", "Subscribe", "Daily Papers", "byAK and the research community", "Aug 11"}


def test_title_glued_to_subscribe_button_is_separated():
    assert read_file(SEED_001).records[0].title == "Group Generalized Mean Pooling for Vision Transformer"


def test_literal_angle_brackets_in_abstract_are_kept():
    abstract = next(r.abstract for r in read_file(SEED_000).records if "<projektor>" in r.abstract)
    assert "framework called <projektor>, which" in abstract


def test_hard_wrapped_abstract_is_joined_and_title_split_off():
    text = (
        "Daily Papers\n\nMar 3, 2024\n\n"
        "Antidistillation Sampling\n"
        "Frontier models that generate extended reasoning traces inadvertently produce\n"
        "rich token sequences that can facilitate model distillation. Antidistillation\n"
        "sampling provides exactly this capability.\n\nLoad more\n"
    )
    records, skipped = webtext.parse(text)
    assert [r.title for r in records] == ["Antidistillation Sampling"]
    assert records[0].abstract.startswith("Frontier models that generate extended reasoning traces inadvertently produce rich")
    assert skipped == []


def test_title_without_abstract_is_skipped_not_paired_with_the_next_abstract():
    g = gold("001")
    text = "\n".join([g[0]["title"], g[0]["abstract"], g[1]["title"], g[2]["title"], g[2]["abstract"]])
    records, skipped = webtext.parse(text)
    assert [r.title for r in records] == [g[0]["title"], g[2]["title"]]
    assert [(s.index, s.reason, s.title) for s in skipped] == [(2, "no abstract", g[1]["title"])]


def test_button_label_is_only_stripped_at_the_top_of_the_page():
    body = "We study how subscriptions change over time in large systems. " * 5
    records, _ = webtext.parse(f"A First Paper\n\n{body}\n\nSubscribeNet: Learning to Subscribe\n\n{body}")
    assert [r.title for r in records] == ["A First Paper", "SubscribeNet: Learning to Subscribe"]


# --- arXiv Atom -----------------------------------------------------------------------------------


def test_arxiv_atom_feed_gives_100_records():
    result = read_file(CORPORA / "arxiv-api-search-testing.atom.xml")
    assert result.format == "atom"
    assert len(result.records) == 100


def test_atom_entry_fields():
    record = read_file(CORPORA / "arxiv-api-checkerboard.atom.xml").records[0]
    assert record.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    assert record.abstract.startswith("We discuss the effects of quenched disorder")
    assert record.authors == ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"]
    assert record.arxiv_id == "cond-mat/0603029"  # version suffix stripped
    assert record.doi == "10.1103/physrevb.74.024520"
    assert record.date == "2006-03-02" and record.year == 2006
    assert record.categories[0] == "cond-mat.str-el"


def test_arxiv_api_error_entry_is_skipped_with_its_message():
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format</id>'
        "<title>Error</title><summary>incorrect id format for 1234.12345</summary></entry></feed>"
    )
    records, skipped = atom.parse(feed)
    assert records == []
    assert skipped[0].reason == "arXiv API error: incorrect id format for 1234.12345"


def test_atom_new_style_id_loses_its_version():
    record = read_file(CORPORA / "arxiv-api-search-testing.atom.xml").records[0]
    assert record.arxiv_id == "2202.12139"


# --- arXiv JSON lines -----------------------------------------------------------------------------


def test_arxiv_daily_dumps_have_1338_distinct_ids():
    first = read_file(CORPORA / "arxiv-daily-2026-05-19.jsonl")
    second = read_file(CORPORA / "arxiv-daily-2026-06-02.jsonl")
    assert (len(first.records), len(second.records)) == (826, 935)
    assert first.format == second.format == "arxiv_jsonl"
    assert len({r.arxiv_id for r in first.records + second.records}) == 1338


def test_arxiv_daily_record_fields():
    record = read_file(CORPORA / "arxiv-daily-2026-05-19.jsonl").records[0]
    assert record.title == "Patchwork: A compact representation for 3D polygonal shapes"
    assert record.authors[0] == "Ruichen Zheng"
    assert record.categories == ["cs.GR", "cs.CV", "cs.LG"]
    assert record.url == "https://arxiv.org/abs/2605.16266"
    assert record.year == 2026  # from the id: the dump has no date field


def test_kaggle_snapshot_layout():
    record = read_file(CORPORA / "arxiv-kaggle-snapshot-record.jsonl").records[0]
    assert record.title == "Large Scale Masked Autoencoding for Reducing Label Requirements on SAR Data"
    assert record.abstract.startswith("Satellite-based remote sensing is instrumental in the monitoring and mitigation")
    assert "8.7% of the Earth's land surface" in record.abstract  # '8.7\%' unescaped
    assert "Laura Martínez-Ferrer" in record.authors  # from authors_parsed, not the LaTeX string
    assert record.categories == ["cs.CV", "eess.IV"]
    assert record.date == "2023-10-02"  # first version's date


def test_broken_json_line_is_skipped_and_the_rest_kept():
    result = read_file(FIXTURES / "arxiv_broken_line.jsonl")
    assert len(result.records) == 2
    assert [(s.index, s.reason) for s in result.skipped] == [(2, "invalid JSON")]


def test_plain_json_array_of_arxiv_objects():
    result = read_file(FIXTURES / "arxiv_array.json")
    assert result.format == "arxiv_jsonl"
    assert len(result.records) == 2


def test_gzipped_jsonl_is_read():
    result = read_file(FIXTURES / "arxiv_daily.jsonl.gz")
    assert result.source == "arxiv_daily.jsonl.gz"
    assert result.format == "arxiv_jsonl"
    assert len(result.records) == 3


# --- Semantic Scholar and OpenAlex ----------------------------------------------------------------


def test_semantic_scholar_single_paper():
    result = read_file(CORPORA / "semantic-scholar-paper.json")
    assert result.format == "semantic_scholar"
    [record] = result.records  # the nested citations are not papers of this file
    assert record.title == "Computing Machinery and Intelligence"
    assert record.authors == ["A. Turing"]
    assert record.doi == "10.1093/mind/lix.236.433"
    assert record.date == "1950-10-01"


def test_semantic_scholar_search_response_skips_null_abstract():
    result = read_file(FIXTURES / "semantic_scholar_search.json")
    assert [r.title for r in result.records] == [
        "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
        "Diversity and Inclusion Metrics in Subset Selection",
    ]
    assert [(s.index, s.reason, s.title) for s in result.skipped] == [
        (2, "no abstract", "Focal Loss for Dense Object Detection")
    ]
    assert result.records[0].arxiv_id == "2205.14135"


def test_semantic_scholar_batch_with_null_entry():
    result = read_file(FIXTURES / "semantic_scholar_batch.json")
    assert len(result.records) == 1
    assert [(s.index, s.reason) for s in result.skipped] == [(2, "empty entry (null)")]


def test_openalex_abstract_rebuilt_from_inverted_index():
    result = read_file(FIXTURES / "openalex_works.json")
    assert result.format == "openalex"
    record = result.records[0]
    assert record.abstract.startswith("We introduce Token Merging (ToMe), a simple method to increase the throughput")
    assert record.doi == "10.48550/arxiv.2210.09461"
    assert record.arxiv_id == "2210.09461"
    assert record.authors == ["Daniel Bolya", "Judy Hoffman"]
    assert record.categories == ["Advanced Neural Network Applications"]


def test_openalex_work_without_abstract_is_skipped_with_display_name():
    skipped = read_file(FIXTURES / "openalex_works.json").skipped
    assert [(s.index, s.reason, s.title) for s in skipped] == [(2, "no abstract", "Focal Loss for Dense Object Detection")]


def test_openalex_jsonl_is_detected():
    work = json.loads((FIXTURES / "openalex_works.json").read_text())["results"][0]
    result = read_bytes((json.dumps(work) + "\n" + json.dumps(work) + "\n").encode(), "works.jsonl")
    assert result.format == "openalex" and len(result.records) == 2


# --- BibTeX ---------------------------------------------------------------------------------------


def test_zotero_bibtex_keeps_good_entries_around_a_broken_one():
    result = read_file(FIXTURES / "zotero.bib")
    assert result.format == "bibtex"
    assert len(result.records) == 3
    reasons = [(s.index, s.reason.split(":")[0], s.title) for s in result.skipped]
    assert reasons == [
        (3, "invalid BibTeX entry", "Penalizing Unfairness in Binary Classification"),
        (4, "no abstract", "Focal Loss for Dense Object Detection"),
    ]


def test_bibtex_latex_becomes_unicode():
    flash, tokens, _ = read_file(FIXTURES / "zotero.bib").records
    assert flash.title == "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"
    assert "15% end-to-end" in flash.abstract
    assert "3× speedup on GPT-2, and 2.4× speedup" in flash.abstract
    assert "(seq. length 1K–4K)" in flash.abstract
    assert "Christopher Ré" in flash.authors
    assert tokens.title == "Schrödinger's Tokens: Agglomerative Token Clustering"
    assert tokens.authors == ["Jörg Müller", "Joakim Bruslund Haurum"]
    assert "object detection & segmentation" in tokens.abstract


def test_bibtex_metadata():
    flash, _, cyclic = read_file(FIXTURES / "zotero.bib").records
    assert (flash.arxiv_id, flash.doi, flash.date, flash.year) == ("2205.14135", "10.48550/arxiv.2205.14135", "2022-06", 2022)
    assert cyclic.arxiv_id == "2206.00832"
    assert cyclic.categories == ["cs.LG"]


def test_bibtex_string_macros_and_concatenation():
    text = '@string{venue = "NeurIPS"}\n@article{k, title = "Deep " # venue # " Paper", abstract = {An abstract that is long enough to keep.}}\n'
    records, _ = bibtex.parse(text)
    assert records[0].title == "Deep NeurIPS Paper"


def test_bibtex_bare_percent_is_text_not_a_comment():
    records, _ = bibtex.parse("@article{k, title={T}, abstract={Accuracy rises to 95% on ImageNet and stays there.}}")
    assert records[0].abstract == "Accuracy rises to 95% on ImageNet and stays there."


def test_latex_outside_the_fast_tables_falls_back_to_pylatexenc():
    assert latex.fast_latex(r"as shown in \cite{vaswani}") is None
    assert latex.latex_text(r"runs in $\mathcal{O}(n)$ as shown in \cite{vaswani}") == "runs in 𝒪(n) as shown in <cit.>"


# --- RIS and Web of Science -----------------------------------------------------------------------


def test_mendeley_ris():
    result = read_file(FIXTURES / "mendeley.ris")
    assert result.format == "ris"
    first, second = result.records
    assert first.title == "Antidistillation Sampling"
    assert first.abstract.endswith("sampling strategies that limit the effectiveness of distillation without compromising model performance. Antidistillation sampling provides exactly this capability.")
    assert first.authors == ["Yash Savani", "Asher Trockman", "Zhili Feng", "J. Zico Kolter"]
    assert (first.doi, first.arxiv_id, first.year) == ("10.48550/arxiv.2504.13146", "2504.13146", 2025)
    assert first.categories == ["distillation", "sampling"]
    assert second.title == "Distributional Reinforcement Learning with Ensembles"  # T1 tag
    assert second.abstract.startswith("It is well known")  # N2 tag, 'Abstract:' label removed
    assert (second.date, second.doi) == ("2020-05-12", "10.3390/a13050118")


def test_ris_placeholder_abstract_is_skipped():
    skipped = read_file(FIXTURES / "mendeley.ris").skipped
    assert [(s.index, s.reason) for s in skipped] == [(3, "abstract is a placeholder")]


def test_ris_record_without_er_does_not_merge_into_the_next():
    text = "TY  - JOUR\nTI  - First\nAB  - An abstract that is long enough to keep.\nTY  - JOUR\nTI  - Second\nAB  - Another abstract long enough to keep.\nER  - \n"
    records, _ = ris.parse(text)
    assert [r.title for r in records] == ["First", "Second"]


def test_wos_plain_text_export():
    result = read_file(FIXTURES / "wos_plain.txt")
    assert result.format == "wos"
    first, second = result.records
    assert first.title == "Distributional Reinforcement Learning with Ensembles"
    assert first.authors == ["Bjorn Lindenberg", "Jonas Nordqvist", "Karl-Olof Lindahl"]
    assert first.abstract.startswith("It is well known that ensemble methods often provide enhanced performance in reinforcement")
    assert (first.date, first.doi) == ("2020-05-12", "10.3390/a13050118")
    assert second.abstract.endswith("we measure equitability with the Gini index.")  # '(C) 2024 Elsevier' tail removed
    assert [(s.index, s.reason) for s in result.skipped] == [(3, "no abstract")]


def test_wos_continuation_lines_join_the_title():
    text = "PT J\nTI Agglomerative Token Clustering for\n   Vision Transformers\nAB An abstract that is long enough to keep.\nER\n"
    assert wos.parse(text)[0][0].title == "Agglomerative Token Clustering for Vision Transformers"


# --- CSV / TSV ------------------------------------------------------------------------------------


def test_scopus_csv_with_bom_crlf_copyright_and_placeholder():
    result = read_file(FIXTURES / "scopus.csv")
    assert result.format == "csv"
    unfair, equitable = result.records
    assert unfair.title == "Penalizing Unfairness in Binary Classification"
    assert unfair.abstract.endswith("similar false positive rates in both populations.")  # '© 2023 IEEE.' removed
    assert equitable.abstract.endswith("approximate the Nash welfare.")  # '© 2024 Elsevier B.V. ...' removed
    assert unfair.authors == ["Bechavod Y.", "Ligett K."]
    assert unfair.doi == "10.1109/tnnls.2023.1234567"
    assert [(s.index, s.reason, s.title) for s in result.skipped] == [
        (3, "abstract is a placeholder", "Focal Loss for Dense Object Detection")
    ]


def test_ieee_xplore_csv_document_title():
    result = read_file(FIXTURES / "ieee_xplore.csv")
    assert [r.title for r in result.records] == [
        "Visualizing Deep Similarity Networks",
        "Cephalo: Harnessing Heterogeneous GPU Clusters for Training Transformer Models",
    ]
    assert result.records[0].authors == ["A. Stylianou", "R. Souvenir", "R. Pless"]
    assert result.records[0].year == 2019


def test_wos_tab_delimited_export():
    result = read_file(FIXTURES / "wos_tab.txt")
    assert result.format == "csv"
    [record] = result.records
    assert record.title == "Factorized Mutual Information Maximization"
    assert record.authors == ["Guido Montufar", "Nihat Ay"]
    assert record.doi == "10.14736/kyb-2020-5-0948"
    assert [(s.index, s.reason) for s in result.skipped] == [(2, "no abstract")]


def test_zotero_csv_abstract_note():
    result = read_file(FIXTURES / "zotero.csv")
    [record] = result.records
    assert record.title == "Token Merging: Your ViT But Faster"
    assert record.authors[0] == "Daniel Bolya"
    assert (record.arxiv_id, record.date) == ("2210.09461", "2023-03-01")
    assert [(s.index, s.reason) for s in result.skipped] == [(2, "no title")]


def test_semicolon_csv_with_loose_headers():
    text = "ARTICLE TITLE;Summary;Publication Year\nSparse Autoencoders;Sparse autoencoders provide potentials for uncovering structure.;2024\n"
    records, _ = csvfmt.parse(text)
    assert (records[0].title, records[0].year) == ("Sparse Autoencoders", 2024)


# --- encodings ------------------------------------------------------------------------------------


def test_utf16_with_bom():
    result = read_file(FIXTURES / "utf16_bom.ris")
    assert result.format == "ris"
    assert result.records[1].authors[0] == "Björn Lindenberg"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(encoding):
    data = (FIXTURES / "mendeley.ris").read_text(encoding="utf-8").encode(encoding)
    result = read_bytes(data, "nobom.ris")
    assert len(result.records) == 2
    assert result.notes == [f"no byte-order mark: read as {encoding.upper()}"]


def test_utf32_with_bom():
    data = (FIXTURES / "mendeley.ris").read_text(encoding="utf-8").encode("utf-32")
    assert len(read_bytes(data, "wide.ris").records) == 2


def test_latin1_file_is_read_with_a_note():
    result = read_file(FIXTURES / "latin1.csv")
    assert result.notes == ["not UTF-8: read as Latin-1"]
    assert result.records[0].title == "Régularisation des réseaux profonds"


def test_bom_and_crlf_do_not_leak_into_fields():
    record = read_file(FIXTURES / "scopus.csv").records[0]
    assert "\r" not in record.abstract and record.authors[0] == "Bechavod Y."


def test_stray_carriage_returns_are_newlines():
    data = (SEED_001.read_text().replace("\n", "\r")).encode()
    assert len(read_bytes(data, "mac.txt").records) == 200


# --- detection and cleaning -----------------------------------------------------------------------


def test_formats_listed():
    assert set(FORMATS) == {"webtext", "atom", "oai_pmh", "arxiv_jsonl", "semantic_scholar", "openalex", "bibtex", "ris", "wos", "csv"}


def test_detection_ignores_a_misleading_extension():
    data = (FIXTURES / "mendeley.ris").read_bytes()
    assert read_bytes(data, "export.csv").format == "ris"


def test_explicit_format_overrides_detection():
    data = b"Title\tAbstract\nA Paper\tAn abstract that is long enough to keep.\n"
    assert read_bytes(data, "x.txt", fmt="csv").format == "csv"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "atom"),
        ('{"id": "2401.01234", "title": "T", "summary": "S"}', "arxiv_jsonl"),
        ('{"data": [{"paperId": "x", "title": "T"}]}', "semantic_scholar"),
        ('{"meta": {}, "results": [{"abstract_inverted_index": {}}]}', "openalex"),
        ("% exported\n@article{key,\n title = {T}}", "bibtex"),
        ("TY  - JOUR\nTI  - T\nER  - ", "ris"),
        ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI T\nER\nEF", "wos"),
        ("Title,Abstract\nT,A", "csv"),
    ],
)
def test_detect_format(text, expected):
    assert detect_format(text) == expected


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("<jats:title>Abstract</jats:title><jats:p>We study <i>sparse</i> models &amp; more.</jats:p>", "We study sparse models & more."),
        ("Abstract: We study sparse models.", "We study sparse models."),
        ("ABSTRACT We study sparse models.", "We study sparse models."),
        ("Abstract reasoning is hard for models.", "Abstract reasoning is hard for models."),
        ("We study x.\n\n  It   works. © 2023 IEEE.", "We study x. It works."),
        ("We study x. Copyright © 2022 The Authors. Published by Elsevier.", "We study x."),
    ],
)
def test_clean_abstract(raw, cleaned):
    assert clean.clean_abstract(raw) == cleaned


@pytest.mark.parametrize("abstract", ["[No abstract available]", "No abstract available.", "Abstract not available", "N/A", "-", "Too short."])
def test_placeholder_abstracts(abstract):
    assert clean.make_record(1, "A title", abstract).reason == "abstract is a placeholder"


@pytest.mark.parametrize(
    "raw, doi",
    [("https://doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"), ("doi:10.1000/ABC", "10.1000/abc"), ("not a doi", None)],
)
def test_normalize_doi(raw, doi):
    assert clean.normalize_doi(raw) == doi


@pytest.mark.parametrize(
    "raw, arxiv_id",
    [
        ("arXiv:2401.01234v2", "2401.01234"),
        ("https://arxiv.org/abs/2401.01234v3", "2401.01234"),
        ("http://arxiv.org/pdf/hep-th/9901001v1", "hep-th/9901001"),
        ("10.48550/arXiv.2205.14135", "2205.14135"),
        ("1234", None),
    ],
)
def test_normalize_arxiv_id(raw, arxiv_id):
    assert clean.normalize_arxiv_id(raw) == arxiv_id


def test_light_latex_keeps_numbers_readable():
    assert clean.light_latex(r"2.7$\times$ faster at 8.7\% cost") == "2.7× faster at 8.7% cost"


def test_parsers_are_pure_functions_of_text():
    text = (FIXTURES / "semantic_scholar_search.json").read_text()
    assert jsonfmt.parse(text) == jsonfmt.parse(text)
