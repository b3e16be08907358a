"""What a script does beyond loading and storing (issue 25): fingerprints read in the site's own
code, and session recorders, each with a control that must stay silent."""

from __future__ import annotations

import pytest
from conftest import BASE_RULES, found, lint, make_site

from privacylint.extract.js import extract_js

CANVAS = ("function id() { var c = document.createElement('canvas'); var x = c.getContext('2d');\n"
          "x.font = '14px Arial'; x.fillText('Cwm fjordbank glyphs vext quiz', 2, 2); return c.toDataURL(); }")
WEBGL = "var gl = c.getContext('webgl'); var i = gl.getExtension('WEBGL_debug_renderer_info');"
AUDIO = ("function a() { var ctx = new OfflineAudioContext(1, 5000, 44100); var o = ctx.createOscillator();\n"
         "var k = ctx.createDynamicsCompressor(); o.connect(k); k.connect(ctx.destination); ctx.startRendering(); }")
FONTS = ("var probe = ['Arial', 'Arial Black', 'Calibri', 'Cambria', 'Comic Sans MS', 'Consolas', 'Courier New',\n"
         "'Georgia', 'Helvetica', 'Impact', 'Tahoma', 'Verdana', 'Segoe UI'];\n"
         "probe.forEach(function (f) { span.style.fontFamily = f; widths[f] = span.offsetWidth; });")


@pytest.mark.parametrize("js, kind", [(CANVAS, "canvas-fingerprint"), (WEBGL, "webgl-fingerprint"),
                                      (AUDIO, "audio-fingerprint"), (FONTS, "font-fingerprint")])
def test_fingerprints_in_the_sites_own_code(js, kind):
    assert [b[1] for b in extract_js(js).behaviours] == [kind]


@pytest.mark.parametrize("js", [
    # a chart drawn on a canvas the page shows, exported as a PNG
    "function png() { var c = document.createElement('canvas'); document.body.appendChild(c);\n"
    "c.getContext('2d').fillText('Q3', 4, 4); return c.toDataURL(); }",
    # an image resized on a canvas: no text drawn
    "function small(img) { var c = document.createElement('canvas'); c.getContext('2d').drawImage(img, 0, 0);"
    " return c.toDataURL('image/jpeg'); }",
    # a font stack, and WebGL used for drawing
    "el.style.fontFamily = ['Arial', 'Helvetica', 'sans-serif'].join(','); w = el.offsetWidth;",
    "var gl = c.getContext('webgl'); gl.clearColor(0, 0, 0, 1); gl.clear(gl.COLOR_BUFFER_BIT);",
    # an online AudioContext playing a sound
    "var ctx = new AudioContext(); var o = ctx.createOscillator(); o.connect(ctx.destination); o.start();",
])
def test_ordinary_canvas_font_webgl_and_audio_code_is_no_fingerprint(js):
    assert extract_js(js).behaviours == []


def _site(tmp_path, head: str, js: str):
    return make_site(tmp_path / "site", {"index.html": f'{head}<a href="/privacy/">P</a>', "fp.js": js,
                                         "privacy/index.html": "<h1>P</h1>"})


def test_a_fingerprint_before_consent_is_reported_where_it_is_read(tmp_path):
    site = _site(tmp_path, '<script src="/fp.js"></script>', CANVAS)
    assert found(lint(site), "PL109") == [("PL109", "fp.js", 2, "canvas-fingerprint")]


def test_a_fingerprint_behind_a_gate_or_in_a_consent_callback_passes(tmp_path):
    site = _site(tmp_path, '<script type="text/plain" data-cookieconsent="statistics" src="/fp.js"></script>', CANVAS)
    assert found(lint(site), "PL109") == []
    callback = "window.addEventListener('CookiebotOnAccept', function () {\n" + CANVAS + "\nsend(id()); });"
    site = _site(tmp_path / "b", '<script src="/fp.js"></script>', callback)
    assert found(lint(site), "PL109") == []


RECORDER = '<script async src="https://static.hotjar.com/c/hotjar-1.js?sv=6"></script>'


@pytest.mark.parametrize("consent", ["required", "not-required"])
def test_a_session_recorder_before_consent_is_one_finding_whatever_is_declared(tmp_path, consent):
    site = make_site(tmp_path / "site", {"index.html": RECORDER + '<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>We use Hotjar</h1>"})
    rules = BASE_RULES + f"collectors:\n  - {{name: Hotjar, vendor: hotjar, consent: {consent}}}\n" \
                         "cookies:\n  - {name: '_hj*'}\n  - {name: '_hj*', storage: local}\n" \
                         "  - {name: '_hj*', storage: session}\n"
    result = lint(site, rules)
    assert [f for f in found(result) if f[0] in ("PL102", "PL111", "PL202")] == [
        ("PL111", "index.html", 1, "hotjar.com")]
