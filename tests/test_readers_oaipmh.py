"""arXiv OAI-PMH harvest pages (ListRecords in the arXiv, arXivRaw and oai_dc formats), written from the
examples of arXiv's OAI-PMH documentation with the quirks a real harvest has."""
from __future__ import annotations

import pytest

from ingest.errors import ParseError
from ingest.readers import detect_format, read_bytes, read_file

from conftest import FIXTURES

OAI = FIXTURES / "readers"


@pytest.mark.parametrize("name", ["oai_arxiv_page1.xml", "oai_arxivraw.xml", "oai_dc_pages.xml", "oai_no_records.xml"])
def test_harvest_pages_are_detected_from_content(name):
    text = (OAI / name).read_text()
    assert detect_format(text, "harvest.txt") == "oai_pmh"


def test_arxiv_format_page_with_a_deleted_record_and_a_resumption_token():
    result = read_file(OAI / "oai_arxiv_page1.xml")
    assert result.format == "oai_pmh"
    assert [r.arxiv_id for r in result.records] == ["0704.0001", "2405.01234"]
    assert [(s.index, s.reason) for s in result.skipped] == [(2, "deleted from arXiv (oai:arXiv.org:0704.0003)")]
    assert result.notes == [
        "one page of a longer OAI-PMH harvest (from record 1 of 3): fetch the next page with resumptionToken=6960524|1001"
    ]
    first, second = result.records
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert first.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert (first.date, first.year, first.doi) == ("2007-04-02", 2007, "10.1103/physrevd.76.013009")
    assert first.abstract.startswith("A fully differential calculation in perturbative") and "\n" not in first.abstract
    assert second.authors == ["Anna Müller", "Wei Chen Jr"]  # keyname M\"uller, suffix kept
    assert second.categories == ["cs.CL", "cs.LG"] and second.doi == "10.1000/xyz123"  # first of two DOIs
    assert "8× and speeds up decoding 2.7× on LLaMA-2 7B with less than 1% accuracy drop" in second.abstract
    assert second.url == "https://arxiv.org/abs/2405.01234"


def test_arxiv_raw_versions_date_the_paper_by_v1_and_authors_are_split():
    result = read_file(OAI / "oai_arxivraw.xml")
    assert result.notes == []  # an empty resumptionToken marks the last page
    calc, gauge = result.records
    assert calc.date == "2007-04-02"  # v1 (listed after v2), not the latest version
    assert calc.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]
    assert gauge.arxiv_id == "hep-th/9901001" and gauge.date == "1999-01-01"
    assert gauge.authors == ["J. Madore", "S. Schraml", "P. Schupp"]  # affiliation dropped, 'and' split
    assert gauge.title == "Noncommutative Gauge Theory on the q-Deformed Sphere"
    assert gauge.categories == ["hep-th", "math.QA"]


def test_same_paper_in_arxiv_and_arxivraw_formats_gets_the_same_text():
    a = read_file(OAI / "oai_arxiv_page1.xml").records[0]
    raw = read_file(OAI / "oai_arxivraw.xml").records[0]
    assert (a.title, a.abstract, a.arxiv_id, a.doi, a.date) == (raw.title, raw.abstract, raw.arxiv_id, raw.doi, raw.date)


def test_dublin_core_pages_appended_in_one_file():
    result = read_file(OAI / "oai_dc_pages.xml")
    assert [r.arxiv_id for r in result.records] == ["0704.0004", "0704.0002"]
    callan, pebble = result.records
    assert callan.authors == ["David Callan"] and callan.abstract.endswith("to evaluate the determinant.")
    assert "Comment:" not in callan.abstract
    assert pebble.doi == "10.1007/s00373-008-0834-4" and pebble.date == "2007-03-30"
    assert "(k,ℓ)-pebble game" in pebble.abstract
    assert result.notes == []  # the last page's empty token wins


def test_no_records_match_is_an_empty_page_and_other_errors_are_refused():
    assert read_file(OAI / "oai_no_records.xml").notes == ["no paper records found"]
    with pytest.raises(ParseError, match="OAI-PMH error badResumptionToken: The value of the resumptionToken"):
        read_file(OAI / "oai_bad_token.xml")


def test_entity_declarations_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords/></OAI-PMH>'
    )
    with pytest.raises(ParseError, match="refused for safety"):
        read_bytes(bomb, "bomb.xml")
