"""Whether the directory given as the site is a build. Linting a source tree (no pages, or pages
that are still templates, or a JavaScript generator's sources, whose JSX `href=` literals would
count as loads) would pass or fail for the wrong reasons, so it is a usage error that says how to
build: "no pages in docs/: is this the source? (_config.yml found: run `jekyll build` and lint
_site)".
"""

from __future__ import annotations

import json
import os
import re

# (file that marks a generator's source tree, generator, build command, where it builds to)
SOURCE_MARKERS = (
    ("_config.yml", "Jekyll", "jekyll build", "_site"), ("_config.yaml", "Jekyll", "jekyll build", "_site"),
    ("hugo.toml", "Hugo", "hugo", "public"), ("hugo.yaml", "Hugo", "hugo", "public"),
    ("config.toml", "Hugo", "hugo", "public"), ("mkdocs.yml", "MkDocs", "mkdocs build", "site"),
    ("conf.py", "Sphinx", "sphinx-build -b html . _build/html", "_build/html"),
    ("docusaurus.config.js", "Docusaurus", "npm run build", "build"),
    (".eleventy.js", "Eleventy", "npx @11ty/eleventy", "_site"),
)
# JavaScript site generators: (config files, package.json dependencies, generator, build command,
# where it builds to). Their source trees hold JSX and config, and no built index.html.
JS_GENERATORS = (
    (("docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs"), ("@docusaurus/core",),
     "Docusaurus", "npm run build", "build"),
    (("siteConfig.js", "website/siteConfig.js"), ("docusaurus",), "Docusaurus v1", "npm run build in website/",
     "website/build/<projectName>"),
    (("next.config.js", "next.config.mjs", "next.config.ts"), ("next",), "Next.js", "next build (output: 'export')",
     "out"),
    (("gatsby-config.js", "gatsby-config.ts", "gatsby-config.mjs"), ("gatsby",), "Gatsby", "gatsby build", "public"),
    (("astro.config.mjs", "astro.config.js", "astro.config.ts"), ("astro",), "Astro", "astro build", "dist"),
    ((".eleventy.js", "eleventy.config.js", "eleventy.config.mjs", "eleventy.config.cjs"), ("@11ty/eleventy",),
     "Eleventy", "npx @11ty/eleventy", "_site"),
)
_SAMPLE = 20  # pages read to tell a build from templates
_TEMPLATE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?---\r?\n"  # front matter: a built page never starts with it
    rb"|\{%-?\s*(?:include|if|for|block|extends|assign|capture|raw|comment|render)\b"  # Liquid, Jinja
    rb"|\{\{-?\s*(?:\.|site\.|page\.|partial\b|content\b|template\b|block\b)")  # Liquid, Hugo, Jinja


def not_a_build(root: str) -> str | None:
    """Why `root` does not look like a built site, with how to build it; None when it does."""
    generator = None if _built_home(root) else js_generator(root)
    if generator:
        name, marker, command, output = generator
        return (f"{root} is a {name} source tree ({marker} found), not a build: run `{command}` and lint "
                f"{output}")
    pages = _sample_pages(root)
    if not pages:
        return f"no pages in {root}: is this the source?{_how_to_build(root)}"
    templated = sum(_is_template(page) for page in pages)
    if templated * 5 >= len(pages) * 4:
        return (f"the pages in {root} are templates ({templated} of {len(pages)} read have front matter or "
                f"template tags): is this the source?{_how_to_build(root)}")
    return None


def _built_home(root: str) -> bool:
    """A homepage a generator wrote (a source tree has none, or one that is a template)."""
    for name in ("index.html", "index.htm"):
        path = os.path.join(root, name)
        if os.path.isfile(path):
            return not _is_template(path)
    return False


def js_generator(root: str) -> tuple[str, str, str, str] | None:
    """(generator, the file that says so, build command, output folder) of a JavaScript
    generator's source tree: its config file, or package.json depending on it."""
    dependencies = _dependencies(os.path.join(root, "package.json")) | _dependencies(
        os.path.join(root, "website", "package.json"))
    for configs, packages, name, command, output in JS_GENERATORS:
        found = next((c for c in configs if os.path.isfile(os.path.join(root, c))), None)
        if found is None and dependencies & set(packages):
            found = "package.json (" + ", ".join(sorted(dependencies & set(packages))) + ")"
        if found:
            return name, found, command, output
    return None


def _dependencies(path: str) -> set[str]:
    try:
        if os.path.getsize(path) > 1024 * 1024:
            return set()
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError, RecursionError):
        return set()
    if not isinstance(doc, dict):
        return set()
    return {str(name) for key in ("dependencies", "devDependencies") if isinstance(doc.get(key), dict)
            for name in doc[key]}


def _sample_pages(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        found += [os.path.join(folder, f) for f in sorted(files) if f.lower().endswith((".html", ".htm"))]
        if len(found) >= _SAMPLE:
            return found[:_SAMPLE]
    return found


def _is_template(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return _TEMPLATE.search(fh.read(65536)) is not None
    except OSError:
        return False


def _how_to_build(root: str) -> str:
    for marker, generator, command, output in SOURCE_MARKERS:
        if os.path.isfile(os.path.join(root, marker)):
            return f" ({marker} found: this is a {generator} source; run `{command}` and lint {output})"
    return " Give the folder your site generator builds into (_site, public, site, _build/html), after building."
