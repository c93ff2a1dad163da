"""The public Python API: parse() of a path, bytes or file object; frames with nullable dtypes;
the documented surface; and what `import gxnlp` loads (fast start)."""
import io
import subprocess
import sys

import pytest

import gxnlp
from conftest import FIXTURES, ROOT, SEEDS

SEED = SEEDS / "001_91b930a4292c284b.txt"
NO_TAGS = {"tag_sentences": False}


def saved(report):
    d = report.to_dict(provenance=False)
    d.pop("source", None)
    return d


@pytest.fixture(scope="module")
def report():
    return gxnlp.parse(SEED)


def test_parse_path_bytes_and_file_objects_agree(report):
    data = SEED.read_bytes()
    for other in (gxnlp.parse(data), gxnlp.parse(io.BytesIO(data)), gxnlp.parse(io.BytesIO(data), "txt")):
        assert saved(other) == saved(report)
    with open(SEED, "rb") as f:
        from_file = gxnlp.parse(f)
    assert from_file.source == str(SEED) and saved(from_file) == saved(report)
    assert gxnlp.parse(data).source == "<bytes>"


def test_parse_pdf_and_docx_bytes_with_and_without_format():
    for path in sorted((FIXTURES / "formats").glob("001*"))[:3]:
        fmt = path.suffix.lstrip(".")
        if fmt not in ("pdf", "docx", "html"):
            continue
        a = gxnlp.parse(path.read_bytes(), settings=NO_TAGS)
        b = gxnlp.parse(io.BytesIO(path.read_bytes()), fmt, settings=NO_TAGS)
        assert a.format == b.format == fmt and a.to_dict(provenance=False)["tables"] == \
            b.to_dict(provenance=False)["tables"]


def test_parse_rejects_what_it_cannot_read():
    with pytest.raises(ValueError, match="format must be one of"):
        gxnlp.parse(SEED, "rtf")
    with pytest.raises(TypeError, match="binary file object"):
        gxnlp.parse(io.StringIO("text"))
    with pytest.raises(TypeError, match="takes a path, bytes"):
        gxnlp.parse(42)
    with pytest.raises(gxnlp.LoadError, match="empty file"):
        gxnlp.parse(b"")


def test_settings_still_accepted_as_second_argument():
    assert gxnlp.parse(SEED, NO_TAGS).sentences == []
    assert gxnlp.parse(SEED, settings=gxnlp.ParseSettings(tag_sentences=False)).sentences == []


def test_frames_have_nullable_dtypes(report):
    t3 = report.table3_frame()
    assert len(t3) == 26 and all(str(t) in ("Int64", "Float64") for t in t3.dtypes.iloc[1:])
    assert str(t3["label_zh"].dtype) == "string"
    t4 = report.table4_frame()
    assert all(str(t) in ("Int64", "Float64") for t in t4.dtypes.iloc[1:])
    t2 = report.table2_frame()
    assert list(t2.columns) == ["row", "field", "value", "raw"] and len(t2) > 5
    assert str(t2["value"].dtype) in ("Int64", "Float64") and str(t2["row"].dtype) == "string"
    checks = report.checks_frame()
    assert len(checks) == len(report.checks) and set(checks["status"]) <= {"pass", "fail", "skip", "notice", "n/a"} | \
        {c.status for c in report.checks}
    assert all(str(t) == "string" for t in checks.dtypes)
    claims = report.claims_frame()
    assert str(claims["value"].dtype) == "Float64" and str(claims["table_value"].dtype) == "Float64"
    assert str(claims["approx"].dtype) == "boolean" and str(claims["status"].dtype) == "string"
    sentences = report.sentences_frame()
    assert len(sentences) > 10 and str(sentences["start"].dtype) == "Int64"
    for frame in (t3, t4, t2, checks, claims, sentences):
        assert not any(str(t) == "object" and c not in ("labels", "span", "cells") for c, t in frame.dtypes.items())


def test_empty_report_frames_keep_their_dtypes():
    empty = gxnlp.parse("一、总体情况\n本年度无。\n".encode("utf-8"), settings=NO_TAGS)
    t3 = empty.table3_frame()
    assert t3.iloc[:, 1:].isna().all().all() and str(t3.dtypes.iloc[1]) == "Int64"
    assert str(empty.table2_frame()["value"].dtype) == "Int64"


def test_public_surface():
    assert sorted(gxnlp.__all__) == sorted(["parse", "parse_many", "nlp", "Report", "ParseSettings", "GxnlpError",
                                            "LoadError", "ScannedPDFError", "RulesError"])
    for name in gxnlp.__all__:
        assert getattr(gxnlp, name) is not None
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in gxnlp.__all__:
        assert f"`{name}" in doc, name
    for method in ("table2_frame", "table3_frame", "table4_frame", "checks_frame", "claims_frame",
                   "sentences_frame", "to_dict", "from_dict"):
        assert method in doc and hasattr(gxnlp.Report, method)


HEAVY = ("gxnlp.corpus", "gxnlp.report", "gxnlp.tag", "gxnlp.cli", "pandas", "sklearn", "skops", "scipy", "spacy",
         "jieba", "pyarrow", "duckdb", "datasketch", "tqdm", "matplotlib", "pdfplumber")


def loaded_after(code: str) -> list:
    probe = f"import sys\n{code}\nprint(sorted({{m.split('.')[0] if not m.startswith('gxnlp') else m for m in " \
            f"sys.modules if m.startswith({HEAVY!r})}}))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return eval(out.stdout.strip().splitlines()[-1])


def test_import_gxnlp_loads_nothing_heavy():
    assert loaded_after("import gxnlp") == []


def test_parse_without_tags_loads_no_tagger_no_pandas():
    loaded = loaded_after(f"import gxnlp; gxnlp.parse({str(SEED)!r}, settings={{'tag_sentences': False}})")
    assert not [m for m in loaded if m.startswith(("gxnlp.tag", "gxnlp.corpus", "gxnlp.report", "pandas", "sklearn",
                                                     "spacy", "pyarrow", "duckdb", "pdfplumber"))], loaded


def test_cli_help_loads_no_command_module():
    loaded = loaded_after("from gxnlp.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass")
    assert not [m for m in loaded if not m.startswith("gxnlp.cli")], loaded
