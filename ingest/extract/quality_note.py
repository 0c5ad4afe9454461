"""Placeholder: being written."""
from __future__ import annotations


def find_quality_note(abstract: str) -> str | None:
    return None
