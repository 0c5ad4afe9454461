"""Trade-off points: which efficiency claim goes with which quality outcome, and where its dot is drawn."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.extract import extract  # noqa: E402
from ingest.extract.plot_points import gain_factor, plotted_points, quality_y  # noqa: E402
from ingest.extract.points import find_points, locate_claims, sentence_spans  # noqa: E402


def claims_of(abstract: str, *specs: tuple[str, str, str]) -> list[dict]:
    """Claims at the first occurrence of each text: (text, category, direction); value/unit read from the text."""
    out = []
    for text, category, direction in specs:
        m = re.search(r"(\d+(?:\.\d+)?)\s*(x|%|points?)?", text)
        unit = {"x": "x", "%": "%"}.get(m.group(2) or "", "pp")
        out.append({"category": category, "value": float(m.group(1)), "unit": unit, "direction": direction,
                    "text": text})
    return locate_claims(abstract, out)


def pairs(abstract: str, claims: list[dict], note: str | None = None) -> set[tuple[int, int | str]]:
    return {(p["gain"], p["quality"]) for p in find_points(abstract, claims, note)}


def test_one_sentence_pairs_its_numbers():
    a = "We propose X. It is 2.7x faster with less than 1% accuracy drop. It also helps."
    c = claims_of(a, ("2.7x faster", "speed", "increase"), ("1% accuracy drop", "quality", "drop"))
    assert pairs(a, c) == {(0, 1)}


def test_numbers_of_different_sentences_are_not_a_point():
    a = "X reduces memory by 40%. On GLUE, X improves accuracy by 2 points over BERT."
    c = claims_of(a, ("40%", "memory", "reduction"), ("2 points", "quality", "gain"))
    assert pairs(a, c) == set()


def test_each_clause_that_holds_a_setting_pairs_within_itself():
    a = ("It maintains 98.2% of retrieval performance with only 11.8% of original memory usage, and preserves "
         "94.6% effectiveness at 2.8% memory footprint.")
    c = claims_of(a, ("98.2%", "quality", "drop"), ("11.8%", "memory", "reduction"),
                  ("94.6%", "quality", "drop"), ("2.8%", "memory", "reduction"))
    assert pairs(a, c) == {(1, 0), (3, 2)}


def test_another_subject_after_while_is_another_setting():
    a = "NBQ improves profiling quality by up to 13.6%, while QuickMatch accelerates retrieval by up to 22.9x."
    c = claims_of(a, ("13.6%", "quality", "gain"), ("22.9x", "speed", "increase"))
    assert pairs(a, c) == set()


def test_respectively_pairs_in_order():
    a = ("EAPO improves performance by 10.45%, 7.27% and 9.69%, while reducing tool calls by 18.33%, 18.4% and "
         "24.59%, respectively.")
    c = claims_of(a, ("10.45%", "quality", "gain"), ("7.27%", "quality", "gain"), ("9.69%", "quality", "gain"),
                  ("18.33%", "cost", "reduction"), ("18.4%", "cost", "reduction"), ("24.59%", "cost", "reduction"))
    assert pairs(a, c) == {(3, 0), (4, 1), (5, 2)}


def test_iterations_to_reach_a_target_do_not_pair_with_the_final_accuracy():
    a = ("Our method reaches the final perplexity of the next best method with 19% fewer training iterations, and "
         "improves 5-shot MMLU by 1.9% relative accuracy.")
    c = claims_of(a, ("19%", "compute", "reduction"), ("1.9%", "quality", "gain"))
    assert pairs(a, c) == set()


def test_it_also_links_the_next_sentence():
    a = "SPIKE improves success rate by 5.0 points over the baseline. It also reduces token consumption by 54.9%."
    c = claims_of(a, ("5.0 points", "quality", "gain"), ("54.9%", "tokens", "reduction"))
    assert pairs(a, c) == {(1, 0)}


def test_the_note_pairs_with_the_setting_it_states():
    a = "ReCAP achieves up to 2.4x faster inference than the base model with minimal performance drop."
    c = claims_of(a, ("2.4x", "speed", "increase"))
    assert pairs(a, c, "minimal performance drop") == {(0, "note")}
    assert pairs(a, c, None) == set()  # no note, no note point


def test_a_note_about_the_recipe_pairs_with_nothing():
    a = ("A three-stage recipe transfers the knowledge while preserving multimodal capabilities. At 103K tokens, "
         "the linear model is 20.6x faster, while the hybrid model achieves a 13.5x speedup.")
    c = claims_of(a, ("20.6x", "speed", "increase"), ("13.5x", "speed", "increase"))
    assert pairs(a, c, "preserving multimodal capabilities") == set()


def test_a_note_pointing_back_covers_the_gains_before_it():
    a = ("Second, ReMax reduces memory usage by about 50%. Third, PPO is about 2x slower than ReMax. "
         "Importantly, these improvements do not sacrifice task performance.")
    c = claims_of(a, ("50%", "memory", "reduction"), ("2x slower", "speed", "overhead"))
    assert pairs(a, c, "do not sacrifice task performance") == {(0, "note"), (1, "note")}


def test_a_note_inside_one_claim_is_that_claim_s():
    a = "TAPS achieves up to 7.9x lossless speedup over vanilla decoding, outperforming DFlash by 1.36x."
    c = claims_of(a, ("7.9x lossless speedup", "speed", "increase"), ("1.36x", "speed", "increase"))
    assert pairs(a, c, "lossless") == {(0, "note")}


def test_same_baseline_false_when_the_references_differ():
    a = ("RS2 yields accuracy improvements up to 29% compared to competing pruning methods while offering a "
         "runtime reduction of 7x.")
    c = claims_of(a, ("29%", "quality", "gain"), ("7x", "speed", "reduction"))
    assert find_points(a, c, None) == [{"gain": 1, "quality": 0, "same_baseline": False}]
    a = "Compared to ShuffleMixer, CFSR achieves 0.39 dB gains while containing 26% fewer parameters."
    c = claims_of(a, ("0.39", "quality", "gain"), ("26%", "size", "reduction"))
    assert find_points(a, c, None)[0]["same_baseline"] is True
    a = "It is 2x faster with a 1 point accuracy drop."
    c = claims_of(a, ("2x", "speed", "increase"), ("1 point", "quality", "drop"))
    assert find_points(a, c, None)[0]["same_baseline"] is None


def test_no_claims_no_points_and_bad_input():
    assert find_points("", [], None) == []
    assert find_points("Lossless compression.", [], "Lossless") == []
    with pytest.raises(ValueError):
        locate_claims("abc", [{"text": "xyz"}])


def test_sentences_keep_abbreviations_and_cut_at_semicolons():
    text = "We compare e.g. BERT vs. GPT. It is 2x faster; it uses 3x less memory."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "We compare e.g. BERT vs. GPT.", "It is 2x faster", "it uses 3x less memory."]


def test_gain_factor_puts_every_axis_on_one_scale():
    assert gain_factor({"value": 2.7, "unit": "x", "direction": "increase"}) == 2.7
    assert gain_factor({"value": 40, "unit": "%", "direction": "increase"}) == pytest.approx(1.4)
    assert gain_factor({"value": 75, "unit": "%", "direction": "reduction"}) == pytest.approx(4.0)
    assert gain_factor({"value": 2, "unit": "x", "direction": "overhead"}) == 0.5
    assert gain_factor({"value": 8, "from": 21, "unit": "other", "direction": "reduction"}) == pytest.approx(2.625)
    assert gain_factor({"value": 3, "unit": "other", "direction": "reduction"}) is None


def test_quality_y_keeps_points_and_percentages_apart():
    a = "we achieve 92.9% of the 14B model's performance (74.3% vs 80.0%) while"
    claim = claims_of(a, ("92.9% of the 14B model's performance", "quality", "drop"))[0]
    claim["value"] = 7.1
    assert quality_y(claim, a) == (pytest.approx(-5.7), "points")  # the abstract's own scores, not -7.1
    short = {**claim, "end": claim["start"] + len("92.9%")}  # a claim text that stops at the number
    assert quality_y(short, a) == (pytest.approx(-5.7), "points")
    assert quality_y({**claim, "value": 3.0}, a) == (-3.0, "percent")  # scores that do not give this change
    assert quality_y({"value": 74.3, "from": 80.0, "unit": "%", "direction": "drop", "text": "t"}) == (
        pytest.approx(-5.7), "points")
    assert quality_y({"value": 2.1, "unit": "pp", "direction": "gain", "text": "2.1 points"}) == (2.1, "points")
    assert quality_y({"value": 4.5, "unit": "%", "direction": "drop", "text": "retains 95.5%"}) == (-4.5, "percent")
    assert quality_y({"value": 0.65, "from": 0.47, "unit": "other", "direction": "gain", "text": "F1 of 0.65"}) == (
        pytest.approx(18.0), "points")
    assert quality_y({"value": 1.12, "from": 1.2, "unit": "other", "direction": "gain",
                      "text": "validation loss from 1.20 to 1.12"}) == (None, "other")
    assert quality_y({"value": 0.39, "unit": "other", "direction": "gain", "text": "0.39 dB"}) == (None, "other")


def test_plotted_points_from_a_real_extraction():
    a = "Our method is 2.7x faster with less than 1% accuracy drop, and lossless on ImageNet at 1.5x speedup."
    ex = extract("t", a)
    drawn = plotted_points(a, ex["claims"], ex["points"], ex["quality_note"])
    assert drawn and all(p["axis"] == "speed" and p["x"] > 1 for p in drawn)
    assert {p["y_kind"] for p in drawn} <= {"points", "percent", "lossless", "negligible"}


def _score_points():
    spec = importlib.util.spec_from_file_location("score_points", ROOT / "benchmarks" / "score_points.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", ["seeds", "arxiv"])
def test_points_f1_with_gold_claims(name):
    """The pairing alone, given the gold claims: >= 0.90 on both sets (measured 1.000 / 0.937)."""
    m = _score_points().score(name, "gold")
    assert m["points_f1"] >= 0.90, m["report"]


@pytest.mark.parametrize("name", ["seeds", "arxiv"])
def test_points_f1_with_the_extractor(name):
    """As shipped (the issue's acceptance): points F1 >= 0.80 with the extractor's own claims."""
    m = _score_points().score(name, "extractor")
    assert m["points_f1"] >= 0.80, m["report"]


def test_claims_without_offsets_are_left_out():
    a = "It is 2x faster with a 1 point accuracy drop, without compromising accuracy."
    c = claims_of(a, ("2x", "speed", "increase"), ("1 point", "quality", "drop"))
    c.append({"category": "memory", "value": 3.0, "unit": "x", "direction": "reduction", "text": "3x"})
    assert pairs(a, c, "without compromising accuracy") == {(0, 1), (0, "note")}


def test_lossless_as_an_adjective_belongs_to_the_number_before_it():
    a = "TAPS achieves up to 7.9x lossless end-to-end speedup, outperforming DFlash and DDTree by 1.36x and 1.74x."
    c = claims_of(a, ("up to 7.9x", "speed", "increase"), ("1.36x", "speed", "increase"),
                  ("1.74x", "speed", "increase"))
    assert pairs(a, c, "lossless") == {(0, "note")}


@pytest.mark.timeout(300)
def test_a_hostile_text_with_thousands_of_numbers_is_paired():
    """Was minutes when every number re-cut its sentence; the timeout turns such a regression into a failure
    without asserting a speed (bench scripts measure speed)."""
    a = "It is 2.5x faster with a 1% accuracy drop and comparable accuracy, while X is 3x faster, " * 600
    c = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)(x|%)", a):
        speed = m.group(2) == "x"
        c.append({"category": "speed" if speed else "quality", "value": float(m.group(1)), "unit": m.group(2),
                  "direction": "increase" if speed else "drop", "text": m.group(), "start": m.start(), "end": m.end()})
    got = find_points(a, c, "comparable accuracy")
    assert {(p["gain"], p["quality"]) for p in got} >= {(0, 1), (0, "note")}


def _unsure_note_model(p_yes: float = 0.1):
    """A note model that gives every candidate phrase the same probability: below its own threshold (0.25),
    above the paired threshold (0.03), so only the pairing can make a phrase the note."""
    import math

    from ingest.extract.note_model import NoteModel

    logit = math.log(p_yes / (1 - p_yes))
    return NoteModel({"note": {"classes": ["no", "yes"], "intercept": [0.0, logit], "weights": {}},
                      "threshold": 0.25, "paired_threshold": 0.03})


def test_an_unsure_note_stated_with_an_efficiency_claim_is_kept():
    from ingest.extract.note_model import find_note

    a = "At iso-quality it matches the teacher while delivering 54.1% cost savings."
    c = claims_of(a, ("54.1% cost savings", "cost", "reduction"))
    model = _unsure_note_model()
    assert find_note(a, model) is None  # alone, the model is not sure enough
    note = find_note(a, model, c)
    assert note and "matches the teacher" in note
    assert pairs(a, c, note) == {(0, "note")}


def test_an_unsure_note_with_no_efficiency_claim_of_its_setting_is_not_kept():
    from ingest.extract.note_model import find_note

    a = "The model matches the teacher on GSM8K. In a separate study, caching cuts cost by 54.1%."
    c = claims_of(a, ("54.1%", "cost", "reduction"))
    assert find_note(a, _unsure_note_model(), c) is None
    q = claims_of("It improves accuracy by 2 points.", ("2 points", "quality", "gain"))
    assert find_note("It improves accuracy by 2 points.", _unsure_note_model(), q) is None


def test_without_a_plain_noun_or_only_efficiency_words_is_no_note():
    from ingest.extract.note_model import find_note

    model = _unsure_note_model()
    a = "The method achieves 1.98% bit-rate savings compared to VTM-8.0 without GEO."
    assert find_note(a, model, claims_of(a, ("1.98% bit-rate savings", "size", "reduction"))) is None
    b = "It is 2.1x faster with comparable serving cost."
    assert find_note(b, model, claims_of(b, ("2.1x faster", "speed", "increase"))) is None
    d = "It is 2.1x faster without compromising accuracy."
    assert find_note(d, model, claims_of(d, ("2.1x faster", "speed", "increase"))) == "without compromising accuracy"


def test_points_lost_are_told_apart_by_kind():
    """score_points --unseen's breakdown: a point lost to a missing claim is not the pairing's mistake."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from score_points import error_kinds

    speed = {"category": "speed", "value": 2.0, "unit": "x", "direction": "increase"}
    drop = {"category": "quality", "value": 1.0, "unit": "%", "direction": "drop"}
    gold_paper = {"claims": [speed, drop], "points": [{"gain": 0, "quality": 1}], "quality_note": None}
    kinds = error_kinds([gold_paper] * 3, [
        {"claims": [speed], "points": []},
        {"claims": [drop, speed], "points": []},
        {"claims": [drop, speed], "points": [{"gain": 1, "quality": 0}]},
    ])
    assert kinds["missed: quality claim not found"] == 1
    assert kinds["missed: pairing"] == 1
    assert kinds["gold points"] == 3 and kinds["gold points with both ends found"] == 2
    assert not any(k.startswith("extra") for k in kinds)


def test_a_comparison_given_to_both_ends_belongs_to_the_clause_that_holds_it():
    """The context stage may give both ends one baseline span. A comparison ("compared to X") scopes over its
    own clause only, so the other clause's number is not measured against it; a plain reference ("of the 11B
    model's performance") stays with both."""
    def with_baseline(abstract, phrase, *specs):
        at = abstract.index(phrase)
        return [{**c, "baseline": phrase, "baseline_start": at, "baseline_end": at + len(phrase)}
                for c in claims_of(abstract, *specs)]

    a = ("When training on ImageNet in the high-compression regime, RS2 yields accuracy improvements up to 29% "
         "compared to competing pruning methods while offering a runtime reduction of 7x.")
    cs = with_baseline(a, "competing pruning methods", ("29%", "quality", "increase"), ("7x", "speed", "increase"))
    assert [p["same_baseline"] for p in find_points(a, cs, None)] == [False]
    b = "We keep 96.7% of the 11B model's performance while using it for only 43% of tokens."
    cs = with_baseline(b, "11B model's", ("96.7%", "quality", "decrease"), ("43% of tokens", "tokens", "decrease"))
    assert [p["same_baseline"] for p in find_points(b, cs, None)] == [True]
