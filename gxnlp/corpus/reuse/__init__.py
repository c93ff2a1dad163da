"""Text reuse across a store's reports: template wording, copying between agencies, own reuse.

Stages (one module each): narrative (what is compared, masked) → seed (template wording by k-gram
document frequency; seed sentence pairs by datasketch MinHash/LSH) → align (passages with both spans,
difflib) → kinds (template / shared / own, per-report figures). `run(out_dir)` writes
OUT_DIR/boilerplate/boilerplate_{matches,template,clusters,reports}.parquet and DuckDB views.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

OUT_SUBDIR = "boilerplate"
KINDS = ("template", "shared", "own")


def analyse(items, log=None) -> dict:
    """(report id, Report) pairs → narratives, template flags, passages (in memory)."""
    from collections import defaultdict

    from gxnlp.corpus.reuse import align, narrative, seed

    say = log or (lambda m: None)
    t0 = time.perf_counter()
    narratives = [narrative.build(rid, r) for rid, r in items]
    say(f"{len(narratives)} narratives read and masked ({time.perf_counter() - t0:.1f} s)")
    counter = seed.TemplateCounter()
    groups = defaultdict(list)
    for n in narratives:
        groups[n.agency_key or n.report_id].append(n)
    for group in groups.values():
        counter.add_group(group)
    threshold = counter.finish()
    template = [counter.mark(n.masked, n.sentences, threshold) for n in narratives]
    wording = [counter.mark(n.masked, n.sentences, threshold, strict=True) for n in narratives]
    del counter, groups
    say(f"template wording: k-grams of ≥ {threshold} agencies ({time.perf_counter() - t0:.1f} s)")
    index = seed.SeedIndex.empty()
    for i, (n, t) in enumerate(zip(narratives, wording)):
        index.add(i, n.masked, n.sentences, t)
    pairs = seed.seeds(index)
    del index
    say(f"{len(pairs)} report pairs seeded ({time.perf_counter() - t0:.1f} s)")
    passages = []
    for (a, b), sp in pairs.items():
        passages.extend(align.align_pair(a, b, narratives[a], narratives[b], wording[a], wording[b], sp))
    del wording
    say(f"{len(passages)} passages aligned ({time.perf_counter() - t0:.1f} s)")
    return {"narratives": narratives, "template": template, "passages": passages,
            "template_agencies": threshold, "seeded_pairs": len(pairs)}


def write_parquet(rows: list[dict], path: Path, schema=None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema) if rows or schema is not None else pa.table({})
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def add_views(out: Path) -> None:
    """The boilerplate tables as views of OUT_DIR/gxnlp.duckdb, by paths relative to the store."""
    db = out / "gxnlp.duckdb"
    if not db.exists():
        return
    import duckdb

    from gxnlp.corpus.store import sql_string

    con = duckdb.connect(str(db))
    try:
        con.execute(f"SET file_search_path = {sql_string(out.resolve())}")
        for p in sorted((out / OUT_SUBDIR).glob("*.parquet")):
            rel = p.relative_to(out).as_posix()
            con.execute(f"CREATE OR REPLACE VIEW {p.stem} AS SELECT * FROM read_parquet({sql_string(rel)})")
    finally:
        con.close()


def run(out_dir, *, log=None, **_ignored) -> dict:
    """Analyse a store; writes OUT_DIR/boilerplate/*.parquet (+ DuckDB views) and returns a summary."""
    from gxnlp.corpus.reuse import kinds
    from gxnlp.corpus.store import read_reports

    out = Path(out_dir)
    t0 = time.perf_counter()
    res = analyse(read_reports(out), log)
    narratives, template, passages = res["narratives"], res["template"], res["passages"]
    links = kinds.link_rows(passages, narratives)
    reps = kinds.report_rows(narratives, template, passages)
    clusters = kinds.template_clusters(narratives, template) + kinds.link_clusters(links)
    for cid, c in enumerate(clusters):
        c["cluster_id"] = cid
    bp = out / OUT_SUBDIR
    bp.mkdir(exist_ok=True)
    for stale in bp.glob("*.parquet"):
        stale.unlink()
    write_parquet(links, bp / "boilerplate_matches.parquet", schema=None if links else matches_schema())
    write_parquet(kinds.template_rows(narratives, template), bp / "boilerplate_template.parquet",
                  schema=None if any(t.any() for t in template) else template_schema())
    write_parquet(clusters, bp / "boilerplate_clusters.parquet", schema=None if clusters else clusters_schema())
    write_parquet(reps, bp / "boilerplate_reports.parquet")
    (bp / "params.json").write_text(json.dumps({"template_min_agencies": res["template_agencies"]}, indent=1),
                                    encoding="utf-8")
    add_views(out)
    orig = [r["originality"] for r in reps if r["originality"] is not None]
    by_kind = {k: sum(1 for r in links if r["kind"] == k and r["report_id"] < r["other_report_id"])
               for k in ("shared", "own")}
    return {"reports": len(narratives), "template_agencies": res["template_agencies"],
            "template_wordings": sum(1 for c in clusters if c["kind"] == "template"),
            "shared_passages": by_kind["shared"], "own_passages": by_kind["own"],
            "seeded_pairs": res["seeded_pairs"],
            "mean_originality": sum(orig) / len(orig) if orig else None,
            "seconds": round(time.perf_counter() - t0, 2)}


def matches_schema():
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    return pa.schema([("link_id", i), ("unit", s), ("kind", s), ("report_id", s), ("other_report_id", s),
                      ("start", i), ("end", i), ("text", s), ("other_start", i), ("other_end", i),
                      ("other_text", s), ("masked_start", i), ("masked_end", i), ("similarity", f),
                      ("matched_chars", i), ("original_chars", i), ("year", i), ("other_year", i),
                      ("first_report_id", s), ("previous_year", pa.bool_()), ("agency", s), ("other_agency", s),
                      ("agency_id", s), ("other_agency_id", s), ("identity_evidence", s),
                      ("narrative_agency", s), ("other_narrative_agency", s)])


def template_schema():
    import pyarrow as pa

    return pa.schema([("report_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
                      ("masked", pa.string()), ("masked_start", pa.int64()), ("masked_end", pa.int64())])


def clusters_schema():
    import pyarrow as pa

    return pa.schema([("unit", pa.string()), ("kind", pa.string()), ("n_reports", pa.int64()),
                      ("n_agencies", pa.int64()), ("n_occurrences", pa.int64()), ("agency_share", pa.float64()),
                      ("agencies", pa.list_(pa.string())), ("years", pa.list_(pa.int64())),
                      ("example", pa.string()), ("masked", pa.string()), ("cluster_id", pa.int64())])
