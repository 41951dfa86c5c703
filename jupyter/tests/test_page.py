"""An exported lesson page in headless Chromium (tools/page_screenshot.py drives it through the DevTools
protocol): it loads with no script and nothing from the network, its matrices are real tables with captions
and headers, a trace's window cells and kernel taps carry the same numbers and the same colours, hovering a
traced output cell outlines exactly its receptive field, and a screenshot is taken (kept for a person to
look at when CNNREPL_SCREENSHOTS names a folder)."""

import os
import shutil
import sys

import pytest

from conftest import REPO, decode_png, run_export

sys.path.insert(0, str(REPO / "tools"))
from page_screenshot import Browser, find_chromium  # noqa: E402

if not find_chromium():
    pytest.skip("chromium is not installed (apt-get install chromium): the page is not checked in a browser",
                allow_module_level=True)

HOVER = "rgb(228, 0, 124)"  # the colour of the receptive-field outline (HTMLRenderer's CSS)


@pytest.fixture(scope="module")
def page(binary, tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    path = folder / "padding.html"
    run_export(binary, REPO / "lessons" / "padding.cnn", "html", path)
    browser = Browser(width=1100, height=900)
    browser.open(path)
    yield browser, path
    browser.close()


def test_the_page_stands_alone(page):
    browser, path = page
    html = path.read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert browser.evaluate("document.title") == "Padding: zeros around the image"
    assert browser.evaluate("document.querySelectorAll('link[rel=stylesheet], script, iframe').length") == 0
    assert browser.evaluate("[...document.images].every(i => i.src.startsWith('data:'))")


def test_matrices_are_tables_with_captions_and_headers(page):
    browser, _ = page
    tables = browser.evaluate("""[...document.querySelectorAll('table.matrix')].map(t => ({
        caption: t.caption ? t.caption.textContent : '',
        columns: t.querySelectorAll('thead th[scope=col]').length,
        rows: t.querySelectorAll('tbody th[scope=row]').length,
        cells: t.querySelectorAll('tbody td').length,
        shaded: [...t.querySelectorAll('tbody td')].every(td => td.style.background.startsWith('rgb')),
        numbered: [...t.querySelectorAll('tbody td')].every(td => td.textContent.trim().length > 0)}))""")
    assert len(tables) >= 20
    first = tables[0]
    assert first["caption"] == "x, 5x5"
    assert (first["columns"], first["rows"], first["cells"]) == (6, 5, 25)
    assert all(t["caption"] and t["shaded"] and t["numbered"] and t["cells"] == t["rows"] * (t["columns"] - 1)
               for t in tables)


def test_a_trace_numbers_and_colours_the_window_and_the_kernel_alike(page):
    browser, _ = page
    trace = browser.evaluate("""(() => { const t = document.querySelector('.trace');
        const taps = sel => [...t.querySelectorAll(sel + ' td.win')].map(td => ({
            tap: td.querySelector('sup.tap').textContent.replace(', tap ', ''), text: td.textContent,
            color: getComputedStyle(td).boxShadow}));
        return {window: taps('table.input'), kernel: taps('table.kernel'),
                legend: t.querySelector('.legend').textContent}; })()""")
    # trace s[0, 0] of conv(x, k, padding=same): taps 5, 6, 8 and 9 fall on x[0..1, 0..1] (1, 2, 6, 7)
    assert [w["tap"] for w in trace["window"]] == ["5", "6", "8", "9"]
    # a screen reader hears the value, then its tap
    assert [w["text"] for w in trace["window"]] == ["1, tap 5", "2, tap 6", "6, tap 8", "7, tap 9"]
    assert len(trace["kernel"]) == 9
    kernel = {k["tap"]: k["color"] for k in trace["kernel"]}
    for cell in trace["window"]:
        assert cell["color"] == kernel[cell["tap"]] and cell["color"] != "none"
    assert len({k["color"] for k in trace["kernel"]}) == 9, "each tap has its own colour"
    assert "same number" in trace["legend"]


def outlined(browser):
    return browser.evaluate(f"""[...document.querySelector('.trace table.input').querySelectorAll('tbody tr')]
        .flatMap((tr, r) => [...tr.querySelectorAll('td')].map((td, c) =>
            getComputedStyle(td).outlineColor === '{HOVER}' && getComputedStyle(td).outlineStyle !== 'none' ? [r, c] : null))
        .filter(x => x)""")


def test_hovering_an_output_cell_outlines_its_receptive_field(page, tmp_path):
    browser, _ = page
    browser.hover(".trace table.output tbody tr:nth-child(3) td:nth-of-type(3)")  # s[2, 2]
    assert outlined(browser) == [[r, c] for r in (1, 2, 3) for c in (1, 2, 3)]
    title = browser.evaluate("document.querySelector('.trace table.output tbody tr:nth-child(3) td:nth-of-type(3)').title")
    assert title == "reads x rows 1 to 3, columns 1 to 3", "the field is also said in words"
    browser.hover(".trace table.output tbody tr:nth-child(1) td:nth-of-type(1)")  # s[0, 0]: over the corner
    assert outlined(browser) == [[0, 0], [0, 1], [1, 0], [1, 1]]
    shot = tmp_path / "padding-hover.png"
    browser.screenshot(shot, full_page=False)
    import base64
    width, height, _ = decode_png(base64.b64encode(shot.read_bytes()).decode())
    assert (width, height) == (1100, 900)
    keep = os.environ.get("CNNREPL_SCREENSHOTS")
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(shot, os.path.join(keep, shot.name))


def test_full_page_screenshot(page, tmp_path):
    browser, _ = page
    shot = tmp_path / "padding.png"
    browser.screenshot(shot)
    import base64
    width, height, _ = decode_png(base64.b64encode(shot.read_bytes()).decode())
    assert width >= 1000 and height > 3000
