"""Output formats: each a pure function of the Result, returning the text to write."""

from privacylint.report import json_format, text

FORMATS = {"text": text.render, "json": json_format.render}

