"""The one exception parsers raise for unusable input; read_bytes turns it into ParseError(source, message)."""


class FormatProblem(ValueError):
    """The text cannot be parsed as its format; str(exc) is a one-line, user-facing problem."""
