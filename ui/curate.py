"""The edit widgets of a selected paper: correct, add or delete a claim, fix the method, domains, quality note
or trade-off points, mark it checked, undo (ingest/corrections.py does the work, one transaction each).

Why the page keeps what the editor saw: a form's `before` is the paper as it was when this person opened
it (kept in the session), not as it is when they press Save, so an edit made against a paper that changed
meanwhile (another person, a re-extraction) is refused by the store instead of silently overwriting.
Nothing here is drawn in read-only mode; behind ATLAS_UPLOAD_PASSWORD the same unlock as uploads applies.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from ingest import corrections as C
from ingest.extract.claim_model import CATEGORIES
from ingest.extract.domains import LABELS

from . import state
from .layout import md_escape
from .plaintext import plain
from .upload import password_ok

ALL_DIRECTIONS = ("increase", "reduction", "overhead", "gain", "drop")
NEW_CLAIM = "＋ add a missing claim"
NAME_KEY = "curator_name"  # the widget (its state goes when another page is shown)
AUTHOR_KEY = "curator"  # the name kept for the whole session


def edits_allowed() -> bool:
    """False in read-only mode (settings or a read-only store): then no edit control is drawn at all."""
    return not (state.settings().read_only or state.get_store().read_only)


def editor(paper_id: str, abstract: str) -> None:
    """The 'Correct this paper' section under a selected paper (nothing in read-only mode)."""
    if not edits_allowed():
        return
    _show_last_result(paper_id)
    with st.expander("Correct this paper", expanded=st.session_state.get("curate_open") == paper_id):
        if not _unlocked():
            return
        seen = _seen(paper_id)
        st.session_state[AUTHOR_KEY] = st.text_input("Your name (kept for this session, saved with each correction)",
                                                     value=st.session_state.get(AUTHOR_KEY, ""), key=NAME_KEY)
        claims, fields, pairs, history = st.tabs(["Claims", "Method, domains, note", "Trade-off points", "History"])
        with claims:
            _claims_tab(paper_id, abstract, seen)
        with fields:
            _fields_tab(paper_id, seen)
        with pairs:
            _points_tab(paper_id, seen)
        with history:
            _history_tab(paper_id)
        _checked_button(paper_id, seen)


def _unlocked() -> bool:
    password = state.settings().upload_password
    if not password or st.session_state.get("upload_unlocked"):
        return True
    given = st.text_input("Password (the upload password guards corrections too)", type="password", key="curate_password")
    if given and password_ok(given, password):
        st.session_state["upload_unlocked"] = True
        st.rerun()
    if given:
        st.error("Wrong password.")
    return False


def _seen(paper_id: str) -> dict:
    """The paper as this person saw it when they opened it (kept until they save, undo or open another paper)."""
    key = f"curate_seen_{paper_id}"
    if st.session_state.get("curate_paper") != paper_id:  # newly opened: read it as it is now
        st.session_state["curate_paper"] = paper_id
        st.session_state.pop(key, None)
    if key not in st.session_state:
        cur = state.get_store().reader()
        try:
            st.session_state[key] = C.stored_extraction(cur, paper_id)
        finally:
            cur.close()
    return st.session_state[key]


def _forget_seen(paper_id: str) -> None:
    st.session_state.pop(f"curate_seen_{paper_id}", None)


# ---------------------------------------------------------------- writing, and saying what happened

def save(paper_id: str, field: str, before: Any, after: Any, target: str = "", note: str | None = None) -> None:
    """One correction (see save_all)."""
    save_all(paper_id, [(field, before, after, target)], note)


def save_all(paper_id: str, changes: list[tuple[str, Any, Any, str]], note: str | None = None) -> None:
    """Corrections (field, before, after, target) through the store's write lock, one transaction each, stopping
    at the first refused one; what happened is shown after the rerun, with an Undo for the last."""
    db = state.get_store()
    author = st.session_state.get(AUTHOR_KEY) or ""
    done: list[str] = []
    last = None
    try:
        for field, before, after, target in changes:
            with db.lock:
                last = C.correct(db.con, paper_id, field, before, after, target, author, note)
            done.append(f"Saved: {C.describe_field(field, target)} {C.show(before)} → {C.show(after)}")
    except C.StaleEdit as exc:
        done.append(f"{exc}. Your value was: {C.show(after)}")
        _result(paper_id, "error", "\n\n".join(done))
    except C.CorrectionError as exc:
        _result(paper_id, "error", "\n\n".join([*done, str(exc)]))
    else:
        _result(paper_id, "saved", "\n\n".join(done), last.id if last else None)
    _forget_seen(paper_id)  # show the paper as it is now (a refused value is in the message)
    st.session_state["curate_open"] = paper_id
    st.rerun()


def undo(paper_id: str, correction_id: int) -> None:
    db = state.get_store()
    try:
        with db.lock:
            c = C.undo(db.con, correction_id, st.session_state.get(AUTHOR_KEY) or "")
    except C.CorrectionError as exc:
        _result(paper_id, "error", str(exc))
    else:
        _result(paper_id, "undone", f"Undone: {C.describe_field(c.field, c.target)} is {C.show(c.before)} again")
    _forget_seen(paper_id)
    st.session_state["curate_open"] = paper_id
    st.rerun()


def _result(paper_id: str, kind: str, message: str, correction_id: int | None = None) -> None:
    st.session_state["curate_result"] = (paper_id, kind, message, correction_id)


def _show_last_result(paper_id: str) -> None:
    result = st.session_state.get("curate_result")
    if not result or result[0] != paper_id:
        return
    _, kind, message, correction_id = result
    if kind == "error":
        st.error(md_escape(message))
    else:
        st.success(md_escape(message))
    if kind == "saved" and st.button("Undo this change", key="curate_undo_last"):
        st.session_state.pop("curate_result", None)
        undo(paper_id, correction_id)


# ---------------------------------------------------------------- the tabs

def _claim_label(claim: dict) -> str:
    # the words and category only: a label that changes with an edit is shown stale by the browser's selectbox
    return f"“{plain(claim['text'])[:70]}” ({claim['category']})" if claim else NEW_CLAIM


def _claims_tab(paper_id: str, abstract: str, seen: dict) -> None:
    by_span = {C.span_key(c): c for c in seen["claims"]}
    choice = st.selectbox("Claim", [*by_span, NEW_CLAIM], format_func=lambda k: _claim_label(by_span.get(k)),
                          key=f"curate_claim_{paper_id}")
    if choice == NEW_CLAIM:
        _new_claim_form(paper_id, abstract, set(by_span))
    else:
        _claim_form(paper_id, by_span[choice])


def _claim_fields(prefix: str, claim: dict | None) -> dict:
    """The claim's editable values as form widgets (inside the caller's form)."""
    claim = claim or {}
    c1, c2, c3 = st.columns(3)
    category = c1.selectbox("Category", CATEGORIES, index=CATEGORIES.index(claim.get("category", "speed")), key=f"{prefix}_cat")
    value = c2.number_input("Value", value=float(claim.get("value", 1.0)), format="%g", key=f"{prefix}_value")
    low = c3.number_input("Low end of a range", value=claim.get("low"), format="%g", key=f"{prefix}_low")
    unit = c1.selectbox("Unit", C.UNITS, index=C.UNITS.index(claim.get("unit", "x")), key=f"{prefix}_unit")
    direction = c2.selectbox("Direction", ALL_DIRECTIONS, index=ALL_DIRECTIONS.index(claim.get("direction") or "increase"),
                             key=f"{prefix}_dir")
    bounds = (None, *C.BOUNDS)
    bound = c3.selectbox("Bound", bounds, index=bounds.index(claim.get("bound")), key=f"{prefix}_bound",
                         format_func=lambda b: "none" if b is None else b.replace("_", " "))
    return {"category": category, "value": value, "low": low, "unit": unit, "direction": direction, "bound": bound}


def _claim_form(paper_id: str, claim: dict) -> None:
    target = C.span_key(claim)
    with st.form(f"curate_claim_form_{paper_id}_{target}", border=False):
        st.caption(f"As written: “{plain(claim['text'])}” (characters {target})")
        values = _claim_fields(f"curate_edit_{paper_id}_{target}", claim)
        note = st.text_input("Note (optional)", key=f"curate_edit_note_{paper_id}_{target}")
        save_it = st.form_submit_button("Save claim", type="primary", key=f"curate_save_claim_{paper_id}_{target}")
        delete_it = st.form_submit_button("Delete this claim", key=f"curate_delete_claim_{paper_id}_{target}")
    if save_it:
        save(paper_id, "claim", C.claim_view(claim), {**C.claim_view(claim), **values}, target, note)
    if delete_it:
        save(paper_id, "claim", C.claim_view(claim), None, target, note)


def _new_claim_form(paper_id: str, abstract: str, taken: set[str]) -> None:
    with st.form(f"curate_new_claim_{paper_id}", border=False):
        phrase = st.text_input("The claim's words, exactly as in the abstract (select them above and paste)",
                               key=f"curate_new_text_{paper_id}")
        occurrence = st.number_input("Which occurrence, if the words appear more than once", min_value=1, value=None,
                                     step=1, key=f"curate_new_occ_{paper_id}")
        values = _claim_fields(f"curate_new_{paper_id}", None)
        note = st.text_input("Note (optional)", key=f"curate_new_note_{paper_id}")
        add_it = st.form_submit_button("Add claim", type="primary", key=f"curate_add_claim_{paper_id}")
    if add_it:
        try:
            start, end = C.locate(abstract, phrase, None if occurrence is None else int(occurrence))
            claim = C.make_claim(abstract, start, end, **values)
            if C.span_key(claim) in taken:
                raise C.CorrectionError("these words are already a claim: pick it in the list above to correct it")
        except C.CorrectionError as exc:
            st.error(md_escape(str(exc)))
            return
        save(paper_id, "claim", None, claim, C.span_key(claim), note)


def _fields_tab(paper_id: str, seen: dict) -> None:
    with st.form(f"curate_fields_{paper_id}", border=False):
        method = st.text_input("Method (the paper's own name for what it proposes; empty: none)",
                               value=seen["method"] or "", key=f"curate_method_{paper_id}")
        shown = [d for d in seen["domains"] if d in LABELS]  # labels outside the vocabulary cannot be offered
        domains = st.multiselect("Domains (primary first)", LABELS, default=shown,
                                 max_selections=3, key=f"curate_domains_{paper_id}")
        note = st.text_input("Quality note (the abstract's own words, e.g. 'without accuracy loss'; empty: none)",
                             value=seen["quality_note"] or "", key=f"curate_note_{paper_id}")
        submitted = st.form_submit_button("Save", type="primary", key=f"curate_save_fields_{paper_id}")
    if not submitted:
        return
    edited = {"method": method.strip() or None, "domains": domains, "quality_note": note.strip() or None}
    shown_values = {"method": seen["method"], "domains": shown, "quality_note": seen["quality_note"]}
    changes = [(field, C.current_value(seen, field), after, "") for field, after in edited.items()
               if not C.same(shown_values[field], after)]  # only what this person changed in the form
    if changes:
        save_all(paper_id, changes)
    st.info("Nothing changed.")


def _points_tab(paper_id: str, seen: dict) -> None:
    claims = {C.span_key(c): c for c in seen["claims"]}
    gains = [k for k, c in claims.items() if c["category"] != "quality"]
    ends = [k for k, c in claims.items() if c["category"] == "quality"] + (["note"] if seen["quality_note"] else [])
    options = [f"{g}|{q}" for g in gains for q in ends]
    if not options:
        st.caption("A trade-off point pairs an efficiency claim with a quality claim (or the quality note) of the "
                   "same setting; this paper has no such pair to choose from. Add the missing claim first.")
        return

    def label(option: str) -> str:
        g, q = option.split("|")
        quality = f"note “{plain(seen['quality_note'])}”" if q == "note" else f"“{plain(claims[q]['text'])}”"
        return f"“{plain(claims[g]['text'])}” with {quality}"

    current = ["|".join(p) for p in C.current_value(seen, "points")]
    with st.form(f"curate_points_{paper_id}", border=False):
        chosen = st.multiselect("Which efficiency claim goes with which quality outcome", options,
                                default=[o for o in current if o in options], format_func=label,
                                key=f"curate_points_sel_{paper_id}")
        submitted = st.form_submit_button("Save points", type="primary", key=f"curate_save_points_{paper_id}")
    if submitted:
        save(paper_id, "points", C.current_value(seen, "points"), [o.split("|") for o in chosen])


def _history_tab(paper_id: str) -> None:
    cur = state.get_store().reader()
    try:
        active = C.active(cur, paper_id)
    finally:
        cur.close()
    if not active:
        st.caption("No corrections: this paper shows the extractor's output.")
    for c in reversed(active):
        left, right = st.columns([5, 1])
        left.text(f"#{c.id} {c.author}, {c.made_at:%Y-%m-%d %H:%M}: {C.describe_field(c.field, c.target)} "
                  f"{C.show(c.before)} → {C.show(c.after)}" + (f" ({c.note})" if c.note else ""))
        if right.button("Undo", key=f"curate_undo_{c.id}"):
            undo(paper_id, c.id)


def _checked_button(paper_id: str, seen: dict) -> None:
    checked = bool(seen.get("checked"))
    label = "Remove the 'checked' mark" if checked else "Mark this paper checked (a person read it and agrees)"
    if st.button(label, key=f"curate_checked_{paper_id}"):
        save(paper_id, "checked", checked, not checked)
