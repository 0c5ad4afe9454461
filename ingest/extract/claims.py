"""Placeholder: being written."""
from __future__ import annotations


def extract_claims(abstract: str) -> list[dict]:
    return []
