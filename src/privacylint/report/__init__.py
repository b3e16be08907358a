"""Output formats: each a pure function of the Result, returning the text to write."""

from privacylint.report import concise, github, json_format, junit, markdown, sarif, text

FORMATS = {"text": text.render, "concise": concise.render, "json": json_format.render, "github": github.render,
           "sarif": sarif.render, "junit": junit.render, "markdown": markdown.render}
