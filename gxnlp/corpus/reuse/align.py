"""Seeds → passages: align the masked text of two reports around their seed sentences.

Seed sentence pairs of one report pair are grouped into regions (seeds close on both sides), each
region is widened by `context_sentences` on both sides, and difflib.SequenceMatcher finds the
matching blocks of the two masked regions. Blocks close on both sides (an inserted adverb, a changed
name) are chained into one passage; the chain with most matched characters is the passage, with
both spans. This is how a copied paragraph with one sentence edited is one finding, not fragments.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from gxnlp.corpus.reuse.narrative import data


@dataclass(slots=True)
class Passage:
    """A passage shared by reports a and b: masked [a0, a1) and [b0, b1), matched characters."""

    a: int
    b: int
    a0: int
    a1: int
    b0: int
    b1: int
    matched: int          # matched masked characters
    original: int         # matched masked characters outside template wording (either side)
    similarity: float     # matched / longer side


def regions(pairs: list[tuple[int, int]], gap: int) -> list[tuple[int, int, int, int]]:
    """Group seed sentence pairs into regions [sa0, sa1] × [sb0, sb1] (sentence indices, inclusive)."""
    out = []
    for sa, sb in sorted(set(pairs)):
        for k, (a0, a1, b0, b1) in enumerate(out):
            if a0 - gap <= sa <= a1 + gap and b0 - gap <= sb <= b1 + gap:
                out[k] = (min(a0, sa), max(a1, sa), min(b0, sb), max(b1, sb))
                break
        else:
            out.append((sa, sa, sb, sb))
    return out


def chains(blocks, max_gap: int) -> list[list[tuple[int, int, int]]]:
    """Matching blocks (i, j, size) joined while both gaps are small."""
    out: list[list] = []
    for i, j, n in blocks:
        if out:
            pi, pj, pn = out[-1][-1]
            if 0 <= i - (pi + pn) <= max_gap and 0 <= j - (pj + pn) <= max_gap:
                out[-1].append((i, j, n))
                continue
        out.append([(i, j, n)])
    return out


def align_pair(ra: int, rb: int, na, nb, ta: np.ndarray, tb: np.ndarray, seed_pairs) -> list[Passage]:
    """Passages shared by narratives na, nb (ta, tb: template flags per masked character)."""
    p = data()["align"]
    ctx = p["context_sentences"]
    pa = placeholders(na.masked)
    out = []
    for s_a0, s_a1, s_b0, s_b1 in regions(seed_pairs, gap=ctx + 1):
        a_lo = na.sentences[max(0, s_a0 - ctx)][0]
        a_hi = na.sentences[min(len(na.sentences) - 1, s_a1 + ctx)][1]
        b_lo = nb.sentences[max(0, s_b0 - ctx)][0]
        b_hi = nb.sentences[min(len(nb.sentences) - 1, s_b1 + ctx)][1]
        sm = SequenceMatcher(None, na.masked[a_lo:a_hi], nb.masked[b_lo:b_hi], autojunk=False)
        blocks = [(i + a_lo, j + b_lo, n) for i, j, n in sm.get_matching_blocks() if n >= p["min_block"]]
        for chain in chains(blocks, p["max_gap"]):
            a0, b0 = chain[0][0], chain[0][1]
            a1, b1 = chain[-1][0] + chain[-1][2], chain[-1][1] + chain[-1][2]
            matched = sum(n for _, _, n in chain)
            original = sum(int((~(ta[i:i + n] | tb[j:j + n] | pa[i:i + n])).sum()) for i, j, n in chain)
            sim = matched / max(a1 - a0, b1 - b0)
            if original >= p["min_chars"] and sim >= p["min_similarity"]:
                out.append(Passage(ra, rb, a0, a1, b0, b1, matched, original, round(sim, 3)))
    return merge(out)


def placeholders(masked: str) -> np.ndarray:
    """Boolean per masked character: a placeholder (a masked name, date, number, contact), no evidence."""
    ph = np.frombuffer("".join(sorted(set(data()["mask"]["placeholders"].values()))).encode("utf-32-le"), "<u4")
    return np.isin(np.frombuffer(masked.encode("utf-32-le"), "<u4"), ph)


def merge(passages: list[Passage]) -> list[Passage]:
    """Passages of one pair that overlap (two regions meeting) become one."""
    passages.sort(key=lambda x: (x.a0, x.b0))
    out: list[Passage] = []
    for x in passages:
        if out and x.a0 < out[-1].a1 and x.b0 < out[-1].b1:
            y = out[-1]
            y.a1, y.b1 = max(y.a1, x.a1), max(y.b1, x.b1)
            y.matched, y.original = max(y.matched, x.matched), max(y.original, x.original)
            y.similarity = max(y.similarity, x.similarity)
        elif not any(x.a0 >= y.a0 and x.a1 <= y.a1 and x.b0 >= y.b0 and x.b1 <= y.b1 for y in out):
            out.append(x)
    return out
