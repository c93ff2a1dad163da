"""The HTML pages in real headless Chromium against hostile text (issue 18): agency names, titles,
sentences, file names and error lines full of markup run no script and load nothing.

A local HTTP server counts every request the payloads could make (images, style sheets, frames,
@import, meta refresh, fetch from an event handler); script payloads would mark the page with a
data-pwned attribute. The control renders the same payloads unescaped and without the CSP, to prove
the harness sees them when they do run. Skipped without a Chromium binary (CI installs it)."""
import http.server
import re
import threading
from pathlib import Path

import lxml.html
import pytest

import gxnlp
from conftest import SEEDS
from gxnlp.report.corpus import write_corpus
from gxnlp.report.page import report_page
from test_htmlreport import CHROMIUM, chromium

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary (CI: apt-get install -y chromium)")

MARK = "document.documentElement.setAttribute('data-pwned','{}')"


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def payload(base: str, where: str) -> str:
    """Every way one string could run a script or fetch something, tagged with where it was put."""
    mark = MARK.format(where)
    return (f"<script>{mark}</script>"
            f"<img src=x onerror=\"{mark}\">"
            f"\"><svg onload=\"fetch('{base}/{where}-svg')\">"
            f"'><img src='{base}/{where}-img'>"
            f"<link rel=stylesheet href=\"{base}/{where}-css\">"
            f"<iframe src=\"{base}/{where}-frame\"></iframe>"
            f"</title></textarea><style>@import '{base}/{where}-import';</style>"
            f"<meta http-equiv=\"refresh\" content=\"0;url={base}/{where}-refresh\">"
            f"<a href=\"javascript:{mark}\">x</a>{{{{7*7}}}}")


def hostile_report(tmp_path: Path, base: str):
    """A real report whose sentence, file name, agency and title are payloads."""
    text = (SEEDS / "000_7d8359c2a2673d89.txt").read_text(encoding="utf-8")
    sentence = f"我们将继续做好政府信息公开工作。{payload(base, 'sentence')}。"
    file_name = f"\"><img src=x onerror=\"{MARK.format('file')}\">.txt"  # no '/' in a file name
    path = tmp_path / file_name
    path.write_text(text.rstrip("\n") + "\n" + sentence + "\n", encoding="utf-8")
    report = gxnlp.parse(path)
    assert payload(base, "sentence") in report.document.text
    report.meta.agency = "某某县" + payload(base, "agency")
    report.meta.title = "2023年政府信息公开工作年度报告" + payload(base, "title")
    return report, path


def dump(tmp_path: Path, page: Path):
    run = chromium(tmp_path, page, "--dump-dom", "--virtual-time-budget=3000")
    assert "<html" in run.stdout, run.stderr[-2000:]
    return lxml.html.fromstring(run.stdout)


def test_hostile_text_runs_no_script_and_loads_nothing(tmp_path, server):
    Recorder.hits.clear()
    report, path = hostile_report(tmp_path, server)
    page = tmp_path / "report.html"
    page.write_text(report_page(report), encoding="utf-8")
    corpus = tmp_path / "site" / "corpus.html"
    written = write_corpus([report], corpus, None, errors=[(str(tmp_path / "x.pdf"), payload(server, "error"))],
                           title="语料" + payload(server, "corpus-title"))
    for out in [page, *written]:
        doc = dump(tmp_path, out)
        assert doc.get("data-pwned") is None, f"a payload ran a script in {out.name}"
        assert doc.get("data-gxnlp") == "ready", f"the page's own script did not run in {out.name}"
        assert not doc.xpath("//iframe|//link[@rel='stylesheet'][@href]|//meta[@http-equiv='refresh']|//svg[@onload]")
        assert not [a for a in doc.xpath("//a[@href]") if a.get("href").lower().startswith("javascript:")]
    assert Recorder.hits == [], f"the pages loaded {Recorder.hits}"
    shown = dump(tmp_path, page).text_content()
    for where in ("sentence", "agency", "title"):
        assert payload(server, where) in shown, f"the {where} payload is not shown as text"
    assert path.name in shown


def test_control_the_harness_sees_payloads_that_do_run(tmp_path, server):
    Recorder.hits.clear()
    page = tmp_path / "injected.html"
    raw = re.sub(r"<meta http-equiv[^>]*>", "", payload(server, "raw"))  # a refresh would leave the page
    page.write_text(f"<!doctype html><html><head><title>x</title></head><body>{raw}</body></html>", encoding="utf-8")
    doc = dump(tmp_path, page)
    assert doc.get("data-pwned") == "raw"
    assert {"/raw-img", "/raw-css", "/raw-frame"} <= set(Recorder.hits)
