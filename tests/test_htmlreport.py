"""HTML pages (gxnlp.htmlreport): cells and claims are findable, report text stays text, pages are
self-contained; then the real thing in headless Chromium (scripts ran, no console message, screenshot)."""
import base64
import hashlib
import os
import re
import shutil
import subprocess
import uuid
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

import gxnlp
from gxnlp.report.corpus import corpus_page
from gxnlp.report.html import esc
from gxnlp.corpus import synth
from gxnlp.cli.report import report_command
from gxnlp.report.page import Mark, render_span, report_page
from conftest import FIXTURES, SEEDS

DOCX = FIXTURES / "layouts" / "pdf-split-table.docx"  # «…二十个工作日…» is a deadline: no contradiction
SCRIPT_HTML = FIXTURES / "bad" / "html-with-script.html"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
REPORT_SUFFIXES = (".txt", ".docx", ".html", ".pdf")


def named_elements(doc) -> dict:
    """Every name an element answers to (data-cell and data-alias) → the elements."""
    out: dict = {}
    for el in doc.xpath("//*[@data-cell]"):
        for name in [el.get("data-cell"), *(el.get("data-alias") or "").split()]:
            out.setdefault(name, []).append(el)
    return out


def test_every_cell_a_check_or_claim_names_is_on_the_page(tmp_path):
    paths = [DOCX, *sorted(SEEDS.glob("*.txt"))]
    paths += synth.write_corpus(synth.generate(12, seed=5, error_rate=1.0), tmp_path)  # planted errors of every kind
    checked = 0
    for path in paths:
        report = gxnlp.parse(path)
        names = named_elements(lxml.html.fromstring(report_page(report)))
        wanted = [n for c in report.checks if c.status == "fail" for n in c.cells]
        wanted += [n for c in report.claims for n in c.cells]
        missing = [n for n in wanted if n not in names]
        assert not missing, (path.name, missing[:5])
        checked += len(wanted)
    assert checked > 100


def planted_claim_report(tmp_path):
    """A synthetic report whose narrative states a request count 10 above its table (a planted error)."""
    corpus = synth.generate(12, seed=5, error_rate=1.0)
    synth.write_corpus(corpus, tmp_path)
    planted = next(r for r in corpus.reports if [e["kind"] for e in r.planted_errors] == ["claim"])
    return gxnlp.parse(tmp_path / planted.file_name), planted


def test_failing_cell_and_claim_are_marked_and_explained(tmp_path):
    report, planted = planted_claim_report(tmp_path)
    stated = planted.tables["table3"]["new_received"][6] + planted.planted_errors[0]["delta"]
    doc = lxml.html.fromstring(report_page(report))
    td = doc.get_element_by_id("table3.new_received.total")
    assert td.tag == "td" and td.text_content() == str(planted.tables["table3"]["new_received"][6])
    assert "bad" in td.get("class").split()
    assert f"says {stated} but the table has {td.text_content()}" in td.get("title")
    [claim] = doc.xpath("//span[@data-cells and contains(@class, 'st-inconsistent')]")
    assert claim.text_content().endswith(f"{stated}件")
    assert claim.get("data-cells") == "table3.new_received.total"
    ok = doc.get_element_by_id("table3.carried_over.total")
    assert "bad" not in (ok.get("class") or "")
    assert [h.get("id") for h in doc.xpath("//h3[contains(@class, 'sec')]")] == [
        "sec-overview", "sec-active_disclosure", "sec-requests", "sec-review_litigation", "sec-problems", "sec-other"]


def test_a_deadline_is_not_marked_as_a_contradiction():
    """The fixture's «…二十个工作日内予以公开» is a deadline, not a count of granted requests."""
    doc = lxml.html.fromstring(report_page(gxnlp.parse(DOCX)))
    assert not doc.xpath("//span[@data-cells and contains(@class, 'st-inconsistent')]")
    assert "bad" not in (doc.get_element_by_id("table3.granted.total").get("class") or "")


def test_report_text_is_escaped():
    report = gxnlp.parse(SCRIPT_HTML)
    assert all(p in report.sections["other"].text for p in PAYLOADS)
    page = report_page(report)
    assert "<script>alert" not in page and "<img src=x" not in page
    doc = lxml.html.fromstring(page)
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//img")
    other = doc.get_element_by_id("sec-other").getnext().text_content()
    assert all(p in other for p in PAYLOADS)


def test_pages_are_self_contained():
    page = report_page(gxnlp.parse(SEEDS / "000_7d8359c2a2673d89.txt"))
    doc = lxml.html.fromstring(page)
    [csp] = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp.startswith("default-src 'none'; img-src data:;")
    for tag in ("style", "script"):
        [el] = doc.xpath(f"//{tag}")
        digest = base64.b64encode(hashlib.sha256(el.text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp, tag
    refs = doc.xpath("//@src | //@href")
    assert all(r.startswith("#") for r in refs), [r for r in refs if not r.startswith("#")][:5]
    assert not doc.xpath("//link | //script[@src] | //iframe | //object")


class Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_data(self, data):
        self.text.append(data)


def test_overlapping_marks_nest_and_keep_the_text():
    text = "甲乙丙丁<戊>己庚辛"
    sentences = [Mark(0, 5, '<span class="s1">', tail="[s1]"), Mark(5, 10, '<span class="s2">', tail="[s2]")]
    inner = [Mark(3, 7, '<span id="claim-0" class="c">', reopen='<span class="c">'), Mark(8, 9, "<b>", "</b>")]
    out = render_span(text, 0, len(text), [sentences, [], inner])
    parser = Balance()
    parser.feed(out)
    parser.close()
    assert parser.stack == []
    assert "".join(parser.text) == "甲乙丙丁<[s1]戊>己庚辛[s2]"  # tails only where a sentence really ends
    assert out.count('id="claim-0"') == 1 and out.count('class="c"') == 2  # split claim keeps one id
    assert out == ('<span class="s1">甲乙丙<span id="claim-0" class="c">丁&lt;</span></span>[s1]'
                   '<span class="s2"><span class="c">戊&gt;</span>己<b>庚</b>辛</span>[s2]')


def test_report_command_writes_a_page_and_refuses_a_bad_file(tmp_path):
    runner = CliRunner()
    out = tmp_path / "one.html"
    result = runner.invoke(report_command, [str(DOCX), "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert "table3.granted.total" in out.read_text(encoding="utf-8")
    bad = runner.invoke(report_command, [str(FIXTURES / "bad" / "empty.txt"), "--html", str(tmp_path / "x.html")])
    assert bad.exit_code == 1 and not (tmp_path / "x.html").exists()
    assert bad.output.strip().startswith("gxnlp: ") and "empty" in bad.output and "Traceback" not in bad.output


# --- a store (gxnlp batch) and its corpus page ---------------------------------------------------

@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    from gxnlp.corpus import batch
    from gxnlp.corpus import boilerplate

    out = tmp_path_factory.mktemp("store")
    planted = tmp_path_factory.mktemp("planted")  # synthetic reports with planted errors, claims among them
    synth.write_corpus(synth.generate(6, seed=5, error_rate=1.0), planted)
    batch.run_batch([str(SEEDS), str(FIXTURES / "layouts"), str(SCRIPT_HTML), str(FIXTURES / "bad" / "empty.txt"),
                     str(planted)], out, workers=2, progress=False)
    boilerplate.run(out)
    return out


@pytest.fixture(scope="module")
def site(store_dir, tmp_path_factory):
    target = tmp_path_factory.mktemp("site") / "index.html"
    result = CliRunner().invoke(report_command, [str(store_dir), "--html", str(target)])
    assert result.exit_code == 0, result.output
    return target


def row_values(table) -> dict:
    out = {}
    for key, cells in table.rows.items():
        values = None if cells is None else [c.value for c in cells]
        out[key] = None if values is None or all(v is None for v in values) else values
    return out


def test_reports_rebuilt_from_the_store_match_the_parser(store_dir):
    from gxnlp.corpus.store import read_errors, read_reports

    ids, reports = map(list, zip(*read_reports(store_dir)))
    errors = read_errors(store_dir)
    assert len(reports) == len(ids) == len(set(ids)) >= 20
    assert [e[0].endswith("empty.txt") for e in errors] == [True]
    for rebuilt in reports:
        parsed = gxnlp.parse(rebuilt.source)
        assert [(c.id, c.status, c.cells) for c in rebuilt.checks] == [(c.id, c.status, c.cells) for c in parsed.checks]
        assert [(c.text, c.span, c.status, c.cells) for c in rebuilt.claims] == \
            [(c.text, c.span, c.status, c.cells) for c in parsed.claims]
        for key in ("table2", "table3", "table4"):
            a, b = rebuilt.tables[key], parsed.tables[key]
            assert (a is None) == (b is None), (rebuilt.source, key)
            if a is not None:  # the store keeps no cells for a row printed blank: compare such rows as absent
                assert row_values(a) == row_values(b), (rebuilt.source, key)
        assert {k: s and s.text for k, s in rebuilt.sections.items()} == \
            {k: s and s.text for k, s in parsed.sections.items()}


def test_corpus_page_links_every_report_and_shows_the_store(site):
    doc = lxml.html.fromstring(site.read_text(encoding="utf-8"))
    hrefs = {h.split("#")[0] for h in doc.xpath("//a/@href") if h.startswith("reports/")}
    assert len(hrefs) >= 20 and all((site.parent / h).is_file() for h in hrefs)
    rows = doc.xpath("//table[@id='claims-table']/tbody/tr")
    assert rows and all("全年共收到政府信息公开申请" in r.text_content() for r in rows)  # the planted claim errors
    link = rows[0].xpath(".//a/@href")[0]
    page, anchor = link.split("#")
    target = lxml.html.fromstring((site.parent / page).read_text(encoding="utf-8"))
    assert target.get_element_by_id(anchor).get("class").startswith("claim st-inconsistent")
    assert target.xpath("//a[@href='../index.html']")
    failures = doc.get_element_by_id("failures").text_content()
    assert "claims_vs_tables" in failures and "t3_row_totals" in failures
    assert "empty.txt" in doc.get_element_by_id("overview").text_content()
    boiler = doc.get_element_by_id("boilerplate").text_content()
    assert "template passages" in boiler and "Originality" in boiler
    assert len(doc.xpath("//svg")) >= 3


# --- headless Chromium ------------------------------------------------------------------------

def find_chromium():
    env = os.environ.get("GXNLP_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary (CI: apt-get install -y chromium; "
                                                             "or set GXNLP_CHROMIUM)")
CONSOLE = re.compile(r":CONSOLE[:(]")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]


def chromium(tmp_path: Path, page: Path, *args) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chromium-profile-{uuid.uuid4().hex[:8]}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=120)


def load(tmp_path: Path, page: Path):
    """(DOM after the page's scripts ran, console messages) — any console message is a failure."""
    run = chromium(tmp_path, page, "--dump-dom")
    assert "<html" in run.stdout, run.stderr[-2000:]
    return lxml.html.fromstring(run.stdout), [line for line in run.stderr.splitlines() if CONSOLE.search(line)]


def screenshot(tmp_path: Path, page: Path) -> Path:
    out = tmp_path / f"{page.stem}.png"
    chromium(tmp_path, page, f"--screenshot={out}", "--window-size=1280,2000")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
    return out


@needs_chromium
def test_report_page_in_chromium(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report_page(gxnlp.parse(DOCX)), encoding="utf-8")
    report = gxnlp.parse(DOCX)
    doc, console = load(tmp_path, page)
    assert console == []
    assert doc.get("data-gxnlp") == "ready"  # set by the page's own script: it ran under the CSP
    assert "bad" not in (doc.get_element_by_id("table3.granted.total").get("class") or "")  # a deadline, no claim
    assert {e.get("id") for e in doc.xpath("//span[starts-with(@id, 'claim-')]")} == \
        {f"claim-{n}" for n in range(len(report.claims))}
    consistent = [c.text for c in report.claims if c.status == "consistent"]
    assert len(consistent) == 6
    assert [e.text_content() for e in doc.xpath("//span[@data-cells and contains(@class, 'st-consistent')]")] == consistent
    assert len(doc.xpath("//span[@class='chips']")) > 5  # sentence labels
    assert doc.xpath("//input[@data-toggle='labels']")
    screenshot(tmp_path, page)


@needs_chromium
def test_corpus_page_in_chromium(site, tmp_path):
    doc, console = load(tmp_path, site)
    assert console == []
    assert doc.get("data-gxnlp") == "ready"
    assert [a.get("href") for a in doc.xpath("//nav/a")][:3] == ["#overview", "#failures", "#claims"]
    assert len(doc.xpath("//table[@id='reports-table']/tbody/tr")) >= 20
    screenshot(tmp_path, site)
    linked = site.parent / doc.xpath("//table[@id='claims-table']//a/@href")[0].split("#")[0]
    page_doc, page_console = load(tmp_path, linked)
    assert page_console == [] and page_doc.get("data-gxnlp") == "ready"


SENTINEL = "document.documentElement.setAttribute('data-pwned-{}','1')"


def sentinel_page(tmp_path: Path, inject: bool) -> Path:
    """The script fixture with payloads that would mark the page if they ran, rendered without the
    CSP (so only escaping protects it); `inject` pastes them in unescaped, to prove the sentinel works
    (the <img> goes before </main>: a claim's highlight starts inside it in the narrative)."""
    source = SCRIPT_HTML.read_text(encoding="utf-8")
    script = f"<script>{SENTINEL.format('script')}</script>"
    img = f'<img src=x onerror="{SENTINEL.format("img")}">'
    source = source.replace("&lt;script&gt;alert(1)&lt;/script&gt;", script.replace("<", "&lt;").replace(">", "&gt;"))
    source = source.replace("&lt;img src=x onerror=alert(1)&gt;", img.replace("<", "&lt;").replace(">", "&gt;"))
    fixture = tmp_path / "payload.html"
    fixture.write_text(source, encoding="utf-8")
    report = gxnlp.parse(fixture)
    assert script in report.sections["other"].text and img in report.sections["other"].text
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", report_page(report))
    if inject:
        page = page.replace(esc(script), script).replace("</main>", img + "</main>")
    out = tmp_path / ("injected.html" if inject else "escaped.html")
    out.write_text(page, encoding="utf-8")
    return out


@needs_chromium
def test_script_in_report_text_is_shown_not_run(tmp_path):
    page = tmp_path / "script.html"
    page.write_text(report_page(gxnlp.parse(SCRIPT_HTML)), encoding="utf-8")
    doc, console = load(tmp_path, page)
    assert console == [] and doc.get("data-gxnlp") == "ready"
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//img")
    assert all(p in doc.get_element_by_id("sec-other").getnext().text_content() for p in PAYLOADS)

    escaped, _ = load(tmp_path, sentinel_page(tmp_path, inject=False))
    assert escaped.get("data-gxnlp") == "ready"
    assert escaped.get("data-pwned-script") is None and escaped.get("data-pwned-img") is None
    shown = escaped.get_element_by_id("sec-other").getnext().text_content()
    assert "<script>document.documentElement" in shown and "<img src=x onerror=" in shown  # as text
    injected, _ = load(tmp_path, sentinel_page(tmp_path, inject=True))
    # control: the same payloads pasted in unescaped do run in this browser
    assert injected.get("data-pwned-script") == "1" and injected.get("data-pwned-img") == "1"


@needs_chromium
def test_the_csp_blocks_a_script_it_does_not_know(tmp_path):
    """The harness sees console errors, and the page's CSP admits only its own script."""
    page = report_page(gxnlp.parse(SEEDS / "000_7d8359c2a2673d89.txt"))
    tampered = tmp_path / "tampered.html"
    tampered.write_text(page.replace('root.setAttribute("data-gxnlp", "ready");',
                                     'root.setAttribute("data-gxnlp", "tampered");'), encoding="utf-8")
    doc, console = load(tmp_path, tampered)
    assert doc.get("data-gxnlp") is None
    assert any("Content Security Policy" in line for line in console)


def test_an_empty_corpus_still_renders():
    doc = lxml.html.fromstring(corpus_page([], errors=[("x.pdf", "x.pdf: encrypted PDF")]))
    tiles = [t.text_content() for t in doc.get_element_by_id("overview").xpath(".//div[contains(concat(' ', normalize-space(@class), ' '), ' tile ')]")]
    assert tiles[:2] == ["0reports parsed", "1files refused"]
    assert "x.pdf: encrypted PDF" in doc.get_element_by_id("overview").text_content()
