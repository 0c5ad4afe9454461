"""Typed errors. The CLI and the pages turn these into one-line messages, never tracebacks."""


class IngestError(Exception):
    """Base class: anything the user can fix (bad file, busy database...)."""


class ParseError(IngestError):
    """A file cannot be read at all. The message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class StoreError(IngestError):
    """The database cannot be opened or written (locked, read-only, corrupt)."""
