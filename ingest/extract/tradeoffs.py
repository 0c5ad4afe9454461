"""Placeholder: being written."""
from __future__ import annotations


def find_tradeoffs(title: str, abstract: str) -> list[str]:
    return []
