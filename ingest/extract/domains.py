"""Placeholder: being written."""
from __future__ import annotations


def classify_domains(title: str, abstract: str) -> list[str]:
    return ["other"]
