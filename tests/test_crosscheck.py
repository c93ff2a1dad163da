"""Across reports: x_carried / x_in_force on report pairs made from a seed, duplicates, review decisions."""
import json
import subprocess
import sys

import gxnlp
from gxnlp.check.across import apply_review, cross_check, read_review, write_review
from conftest import SEEDS

SEED = (SEEDS / "002_5b59a7048e580c09.txt").read_text(encoding="utf-8")
NEW = "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1\t"
CARRIED_IN = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t"
CARRIED_OUT = "四、结转下年度继续办理\t\t0\t0\t0\t0\t0\t0\t0\t"
NORMATIVE = "行政规范性文件\t0\t0\t0"


def row(label_line: str, n: int) -> str:
    label = label_line.split("\t")[0]
    return f"{label}\t\t{n}\t0\t0\t0\t0\t0\t{n}\t"


def write_pair(tmp_path, *, carried_in_next: int, in_force_next: int):
    """2023: 2 new, 1 processed, 1 carried forward; 5 normative documents in force.
    2024: `carried_in_next` carried over, 1 new, 1 processed, 1 carried forward; 1 issued, 1 repealed."""
    for text in (SEED, ):
        assert NEW in text and CARRIED_IN in text and CARRIED_OUT in text and NORMATIVE in text
    y2023 = SEED.replace(NEW, row(NEW, 2)).replace(CARRIED_OUT, row(CARRIED_OUT, 1)) \
        .replace(NORMATIVE, "行政规范性文件\t2\t0\t5")
    y2024 = SEED.replace("2023", "2024").replace("2022", "2023") \
        .replace(CARRIED_IN, row(CARRIED_IN, carried_in_next)).replace(CARRIED_OUT, row(CARRIED_OUT, 1)) \
        .replace(NORMATIVE, f"行政规范性文件\t1\t1\t{in_force_next}")
    a, b = tmp_path / "zl-2023.txt", tmp_path / "zl-2024.txt"
    a.write_text(y2023, encoding="utf-8")
    b.write_text(y2024, encoding="utf-8")
    return a, b


def findings_for(paths):
    return cross_check([gxnlp.parse(p) for p in paths])


def test_consistent_pair_passes(tmp_path):
    a, b = write_pair(tmp_path, carried_in_next=1, in_force_next=5)
    reports = [gxnlp.parse(p) for p in (a, b)]
    assert [r.meta.year for r in reports] == [2023, 2024]
    assert reports[0].check("t3_balance").status == "pass" and reports[1].check("t3_balance").status == "pass"
    by_id = {f.id: f for f in cross_check(reports)}
    assert by_id["x_carried"].status == "pass"
    assert by_id["x_in_force"].status == "pass"


def test_carried_over_mismatch_names_both_reports_and_cells(tmp_path):
    a, b = write_pair(tmp_path, carried_in_next=3, in_force_next=5)
    [f] = [f for f in findings_for([a, b]) if f.id == "x_carried"]
    assert f.status == "fail"
    assert f.reports == [str(a), str(b)]
    assert f"{b}:table3.carried_over.total" in f.cells and f"{a}:table3.carried_forward.total" in f.cells
    assert "carried_over = 3" in f.detail and "carried_forward = 1" in f.detail


def test_in_force_mismatch(tmp_path):
    a, b = write_pair(tmp_path, carried_in_next=1, in_force_next=7)
    [f] = [f for f in findings_for([a, b]) if f.id == "x_in_force"]
    assert f.status == "fail"
    assert f"{b}:table2.normative_documents.in_force" in f.cells
    assert "in_force = 7" in f.detail and "= 5" in f.detail


def test_duplicate_report_in_two_formats_is_a_notice(tmp_path):
    from conftest import FIXTURES

    paths = [SEEDS / "001_91b930a4292c284b.txt", FIXTURES / "formats" / "001_91b930a4292c284b.docx"]
    dupes = [f for f in findings_for(paths) if f.id == "duplicate_report"]
    assert dupes and all(f.status in ("notice", "fail") for f in dupes)


def test_review_decision_survives_reparsing_and_moving(tmp_path):
    a, b = write_pair(tmp_path, carried_in_next=3, in_force_next=5)
    [f] = [f for f in findings_for([a, b]) if f.id == "x_carried"]
    review_file = tmp_path / "review.json"
    write_review(review_file, {f.fingerprint: {"decision": "dismissed", "note": "typo in the 2024 report"}})
    moved = tmp_path / "moved"
    moved.mkdir()
    a2, b2 = moved / "a.txt", moved / "b.txt"
    a2.write_bytes(a.read_bytes())
    b2.write_bytes(b.read_bytes())
    again = findings_for([a2, b2])
    apply_review(again, read_review(review_file))
    [g] = [g for g in again if g.id == "x_carried"]
    assert g.fingerprint == f.fingerprint
    assert (g.decision, g.note) == ("dismissed", "typo in the 2024 report")


def test_check_command_prints_table_and_jsonl(tmp_path):
    a, b = write_pair(tmp_path, carried_in_next=3, in_force_next=7)
    run = lambda *args: subprocess.run([sys.executable, "-m", "gxnlp.cli", "check", str(tmp_path), *args],
                                       capture_output=True, text=True, timeout=120)
    table = run()
    assert table.returncode == 1, table.stderr  # a check failed (issue 15: exit 1 like a linter)
    assert run("--exit-zero").returncode == 0
    assert "x_carried" in table.stdout and "x_in_force" in table.stdout and "fail" in table.stdout
    lines = [json.loads(x) for x in run("--jsonl").stdout.splitlines()]
    assert {"x_carried", "x_in_force"} <= {x["id"] for x in lines}
    assert all(len(x["fingerprint"]) == 12 for x in lines)


def test_year_over_year_jump_is_a_notice(tmp_path):
    a, b = write_pair(tmp_path, carried_in_next=1, in_force_next=5)
    text = b.read_text(encoding="utf-8").replace("行政处罚\t0", "行政处罚\t120")
    b.write_text(text, encoding="utf-8")
    a.write_text(a.read_text(encoding="utf-8").replace("行政处罚\t0", "行政处罚\t12"), encoding="utf-8")
    [f] = [f for f in findings_for([a, b]) if f.id == "yoy_jump"]
    assert f.status == "notice" and "table2.penalty: 12 in 2023 → 120 in 2024" in f.detail


def test_value_far_from_peers_is_a_notice(tmp_path):
    """Six townships of one year; one reports 100× the others' penalties."""
    base = SEED.replace("汝州市钟楼街道办事处", "{name}街道办事处")
    names = ["东城", "西城", "南城", "北城", "中城", "新城"]
    for n, name in enumerate(names):
        penalty = 900 if name == "新城" else 8 + n
        (tmp_path / f"{n}.txt").write_text(base.replace("{name}", name).replace("行政处罚\t0", f"行政处罚\t{penalty}"),
                                           encoding="utf-8")
    outliers = [f for f in findings_for(sorted(tmp_path.glob("*.txt"))) if f.id == "peer_outlier"]
    assert len(outliers) == 1 and outliers[0].status == "notice"
    assert "table2.penalty = 900" in outliers[0].detail and "5 other township reports of 2023" in outliers[0].detail
