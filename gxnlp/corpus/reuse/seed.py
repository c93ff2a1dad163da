"""Template wording (document frequency of masked k-grams) and seed pairs (datasketch MinHash/LSH).

Template: a masked k-gram used by many agencies is the national template's wording. k-grams are
hashed with numpy into a fixed array of counters (one increment per agency, not per report), so
memory does not grow with the corpus; a collision can only lift a rare k-gram, and a sentence is
template only when half its characters are covered.

Seeds: the non-template sentences of every report, masked; identical masked sentences collapse into
one key, each key gets a datasketch MinHash of its character shingles, and MinHashLSH gives the
near-duplicate keys. Every pair of occurrences of near-duplicate keys in two reports is a seed
(report a, sentence i, report b, sentence j) for the aligner.
"""
from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from gxnlp.corpus.reuse.narrative import data

BUCKET_BITS = 26  # 64M uint32 counters: 256 MB whatever the corpus size
SENTENCE_BITS = 22  # masked sentences: 4M uint16 counters, 8 MB


def codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)


def kgram_buckets(text: str, k: int) -> np.ndarray:
    """Bucket of every k-gram of `text` (a polynomial hash, mixed, top BUCKET_BITS bits)."""
    c = codes(text)
    if len(c) < k:
        return np.empty(0, dtype=np.int64)
    h = np.zeros(len(c) - k + 1, dtype=np.uint64)
    for j in range(k):
        h = h * np.uint64(0x100000001B3) + c[j:len(c) - k + 1 + j]
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(29)
    return (h >> np.uint64(64 - BUCKET_BITS)).astype(np.int64)


class TemplateCounter:
    """Counts, per k-gram bucket, the agencies whose narrative uses it."""

    def __init__(self):
        p = data()["template"]
        self.k = p["shingle_chars"]
        self.counts = np.zeros(1 << BUCKET_BITS, dtype=np.uint32)
        self.sentence_counts = np.zeros(1 << SENTENCE_BITS, dtype=np.uint16)
        self.n_groups = 0

    def add_group(self, narratives) -> None:
        """One agency's narratives (all its reports): each k-gram and each masked sentence counts once."""
        b = np.unique(np.concatenate([kgram_buckets(n.masked, self.k) for n in narratives] or [np.empty(0, np.int64)]))
        self.n_groups += 1
        self.counts[b] += 1  # b is unique
        sb = np.unique(np.fromiter((sentence_bucket(n.masked[a:z]) for n in narratives for a, z in n.sentences),
                                   dtype=np.int64))
        if len(sb):
            self.sentence_counts[sb] = np.minimum(self.sentence_counts[sb].astype(np.int64) + 1, 65535)

    def finish(self) -> int:
        """The agency count from which a k-gram is template."""
        p = data()["template"]
        return max(p["min_agencies"], int(np.ceil(p["min_share"] * self.n_groups)))

    def mark(self, masked: str, sentences, threshold: int, strict: bool = False) -> np.ndarray:
        """Boolean per masked character: template wording (k-grams, whole sentences, genre rules).

        strict: what is no evidence of copying — a whole sentence many agencies use, a genre sentence,
        a long common run; a sentence merely assembled from common phrases (half its 8-grams common)
        is template for the reader but still evidence when two reports share all of it."""
        p = data()["template"]
        n, k = len(masked), self.k
        out = np.zeros(n, dtype=bool)
        s_min = max(p["sentence_min_agencies"], threshold)
        genre = genre_pattern()
        for a, b in sentences:
            sent = masked[a:b]
            if self.sentence_counts[sentence_bucket(sent)] >= s_min or (
                    genre is not None and len(sent) <= p["genre_max_chars"] and genre.search(sent)):
                out[a:b] = True
        if n < k:
            return out
        freq = self.counts[kgram_buckets(masked, k)] >= threshold
        cover = np.zeros(n + 1, dtype=np.int32)
        idx = np.flatnonzero(freq)
        np.add.at(cover, idx, 1)
        np.add.at(cover, idx + k, -1)
        covered = np.cumsum(cover[:n]) > 0
        for a, b in sentences:
            if not strict and b > a and covered[a:b].mean() >= p["sentence_share"]:
                out[a:b] = True
        # long covered runs inside otherwise original sentences
        edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
        for a, b in zip(edges[::2], edges[1::2]):
            if b - a >= p["strict_min_run" if strict else "min_run"]:
                out[a:b] = True
        return out


def sentence_bucket(masked_sentence: str) -> int:
    return zlib.crc32(masked_sentence.encode("utf-8")) & ((1 << SENTENCE_BITS) - 1)


_GENRE: list = []


def genre_pattern():
    """The genre rules of boilerplate.toml [template] genre, one regex (None when the list is empty)."""
    if not _GENRE:
        import re

        g = data()["template"].get("genre") or []
        _GENRE.append(re.compile("|".join(f"(?:{x})" for x in g)) if g else None)
    return _GENRE[0]


# --- seeds -------------------------------------------------------------------------------------

def shingles(text: str, k: int) -> list[bytes]:
    if len(text) <= k:
        return [text.encode("utf-8")]
    return [text[i:i + k].encode("utf-8") for i in range(len(text) - k + 1)]


def crc_hash(b: bytes) -> int:
    return zlib.crc32(b)


@dataclass
class SeedIndex:
    """Masked non-template sentences → their occurrences, for MinHash/LSH."""

    keys: dict  # masked sentence → key id
    occurrences: list  # key id → list of (report index, sentence index)

    @classmethod
    def empty(cls) -> "SeedIndex":
        return cls({}, [])

    def add(self, report: int, masked: str, sentences, template: np.ndarray) -> None:
        min_chars = data()["seed"]["min_chars"]
        for s, (a, b) in enumerate(sentences):
            if b - a < min_chars or template[a:b].mean() >= 0.5:
                continue
            key = masked[a:b]
            kid = self.keys.get(key)
            if kid is None:
                kid = self.keys[key] = len(self.occurrences)
                self.occurrences.append([])
            self.occurrences[kid].append((report, s))


def near_duplicate_keys(index: SeedIndex) -> list[tuple[int, int]]:
    """(key, key) pairs whose masked sentences are near duplicates (datasketch MinHash + MinHashLSH)."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    p = data()["seed"]
    texts = list(index.keys)
    live = [i for i, occ in enumerate(index.occurrences) if len({r for r, _ in occ}) <= p["max_bucket"]]
    mhs = MinHash.bulk((shingles(texts[i], p["shingle_chars"]) for i in live), num_perm=p["num_perm"],
                       seed=p["seed"], hashfunc=crc_hash)
    lsh = MinHashLSH(threshold=p["threshold"], num_perm=p["num_perm"])
    lean = {}
    with lsh.insertion_session() as session:
        for i, m in zip(live, mhs):
            lean[i] = LeanMinHash(m)
            session.insert(i, lean[i], check_duplication=False)
    del mhs
    pairs = []
    for i in live:
        for j in lsh.query(lean[i]):
            if j > i and lean[i].jaccard(lean[j]) >= p["threshold"]:
                pairs.append((i, j))
    return pairs


def seeds(index: SeedIndex) -> dict:
    """(report a, report b) with a < b → list of seed sentence pairs (sentence of a, sentence of b)."""
    max_bucket = data()["seed"]["max_bucket"]
    out = defaultdict(list)

    def cross(occ_a, occ_b):
        for ra, sa in occ_a:
            for rb, sb in occ_b:
                if ra < rb:
                    out[(ra, rb)].append((sa, sb))
                elif rb < ra:
                    out[(rb, ra)].append((sb, sa))

    for occ in index.occurrences:  # exact duplicates of one masked sentence
        if 1 < len(occ) and len({r for r, _ in occ}) <= max_bucket:
            _cross_self(occ, out)
    for i, j in near_duplicate_keys(index):
        cross(index.occurrences[i], index.occurrences[j])
    return out


def _cross_self(occ, out) -> None:
    for x in range(len(occ)):
        ra, sa = occ[x]
        for y in range(x + 1, len(occ)):
            rb, sb = occ[y]
            if ra < rb:
                out[(ra, rb)].append((sa, sb))
            elif rb < ra:
                out[(rb, ra)].append((sb, sa))
