"""The rule layer: lexicon substrings per label, gated by the family's cue words (no model needed).

The lexicon lives in gxnlp/data/taxonomy.toml. The rule hits are also features of the
classifier (classifier.py, scorer.py), so both share one lexicon; a trained model stores the
lexicon it was trained with (`Taxonomy.lexicon()`), so later edits do not change its inputs.
"""
from __future__ import annotations

import re
from typing import Optional

from gxnlp.tag.taxonomy import Taxonomy, as_items, load_taxonomy


class RuleTagger:
    """Lexicon substrings and patterns per label, gated by the family's cue words.

    A label's topic words say what a sentence is about; the family cues say whether it admits
    a shortcoming (problem:*) or reports an action (measure:*). Scores are 1.0.

    Speed: instead of testing every word of every label (~800 substring tests a sentence),
    `_present` finds which lexicon strings occur in one pass: strings are indexed by their
    first two characters, the sentence's character pairs select the candidates, and each
    candidate is confirmed by a substring test. Labels whose not_words occur are then checked
    the original way (mask, then test), so the result is the same as `_analyse_reference`.
    """

    def __init__(self, taxonomy: Optional[Taxonomy] = None, lexicon: Optional[dict] = None):
        lexicon = lexicon if lexicon is not None else (taxonomy or load_taxonomy()).lexicon()
        self.labels = list(lexicon["labels"])
        self._words = {n: tuple(e["words"]) for n, e in lexicon["labels"].items()}
        self._patterns = {n: tuple(re.compile(p) for p in e["patterns"]) for n, e in lexicon["labels"].items()}
        self._not = {n: tuple(e["not_words"]) for n, e in lexicon["labels"].items()}
        self._families = lexicon["families"]
        self._family_of = {n: n.split(":", 1)[0] for n in self.labels}
        self._clause = re.compile(f"[{re.escape(lexicon.get('clause_punct') or Taxonomy.clause_punct)}]")
        self._index()

    def _index(self):
        """Lexicon string → labels (topic words), labels (not_words), families (cues); and the lookup tables."""
        self._word_labels: dict[str, list[str]] = {}
        self._not_labels: dict[str, list[str]] = {}
        self._cue_families: dict[str, list[str]] = {}
        for name in self.labels:
            for w in self._words[name]:
                self._word_labels.setdefault(w, []).append(name)
            for w in self._not[name]:
                self._not_labels.setdefault(w, []).append(name)
        for fam, entry in self._families.items():
            for c in entry["cues"]:
                self._cue_families.setdefault(c, []).append(fam)
        strings = {*self._word_labels, *self._not_labels, *self._cue_families}
        self._singles = frozenset(s for s in strings if len(s) == 1)
        by_pair: dict[str, list[str]] = {}
        for s in sorted(strings):
            if len(s) >= 2:
                by_pair.setdefault(s[:2], []).append(s)
        self._by_pair = by_pair
        self._pair_keys = frozenset(by_pair)
        self._pattern_labels = [n for n in self.labels if self._patterns[n]]
        self._cue_res: dict[str, Optional[re.Pattern]] = {}
        self._order = {n: i for i, n in enumerate(self.labels)}

    def _present(self, text: str) -> set[str]:
        """The lexicon strings (topic words, not_words, cues) that occur in `text`."""
        found = set(self._singles.intersection(text)) if self._singles else set()
        for pair in self._pair_keys.intersection(map(str.__add__, text, text[1:])):
            for s in self._by_pair[pair]:
                if s in text:
                    found.add(s)
        return found

    def _topics_cues(self, text: str, within: Optional[set[str]] = None) -> tuple[set[str], set[str], set[str]]:
        """(topics, cue families, lexicon strings present) of `text`.

        `within`: the lexicon strings present in a text that holds `text` (a clause's sentence).
        """
        present = self._present(text) if within is None else {s for s in within if s in text}
        hit: set[str] = set()
        cues: set[str] = set()
        masked: set[str] = set()
        for s in present:
            if s in self._word_labels:
                hit.update(self._word_labels[s])
            if s in self._not_labels:
                masked.update(self._not_labels[s])
            if s in self._cue_families:
                cues.update(self._cue_families[s])
        for name in self._pattern_labels:
            if name not in hit and name not in masked and any(p.search(text) for p in self._patterns[name]):
                hit.add(name)
        for name in masked:  # a not_word occurs: mask it and test this label as the reference does
            hit.discard(name)
            if self._topic_reference(name, text):
                hit.add(name)
        return hit, cues, present

    def _topic_reference(self, name: str, text: str) -> bool:
        seen = text
        for w in self._not[name]:
            if w in seen:
                seen = seen.replace(w, "\0")
        return any(w in seen for w in self._words[name]) or any(p.search(seen) for p in self._patterns[name])

    def topics(self, text: str) -> set[str]:
        """Labels whose topic words or patterns occur (no cue gating)."""
        return self._topics_cues(text)[0]

    def cues(self, text: str) -> set[str]:
        """Families whose cue words occur."""
        return self._topics_cues(text)[1]

    def _cue_re(self, family: str) -> Optional[re.Pattern]:
        if family not in self._cue_res:
            cues = self._families.get(family, {}).get("cues", ())
            self._cue_res[family] = re.compile("|".join(map(re.escape, cues))) if cues else None
        return self._cue_res[family]

    def cue_clauses(self, text: str, family: str) -> str:
        """The clauses of `text` that hold a cue of `family`, joined by spaces."""
        cue = self._cue_re(family)
        if cue is None:
            return ""
        return " ".join(c for c in self._clause.split(text) if cue.search(c))

    def analyse(self, text: str) -> tuple[set[str], set[str], list[str]]:
        """(topics, cue families, gated labels) of one sentence."""
        topics, cues, present = self._topics_cues(text)
        # a clause is part of the sentence: its lexicon strings are among the sentence's
        return topics, cues, self._gate(text, topics, cues, lambda c: self._topics_cues(c, present)[:2])

    def _gate(self, text, topics, cues, topics_cues) -> list[str]:
        clauses = None
        out = []
        for name in (sorted(topics, key=self._order.__getitem__) if len(topics) > 1 else topics):
            family = self._family_of[name]
            fam = self._families.get(family, {})
            if fam.get("blocked_by") and fam["blocked_by"] in cues:
                continue
            if fam.get("requires_cue"):
                if family not in cues:
                    continue
                if fam.get("scope") == "clause":
                    if clauses is None:
                        clauses = [topics_cues(c) for c in self._clause.split(text) if c.strip()]
                    if not any(name in t and family in c for t, c in clauses):
                        continue
            out.append(name)
        return out

    # The plain implementation: every word of every label tested in turn. Kept as the
    # reference the indexed path is tested against (tests/test_tagging.py).
    def _topics_reference(self, text: str) -> set[str]:
        return {name for name in self.labels if self._topic_reference(name, text)}

    def _cues_reference(self, text: str) -> set[str]:
        return {f for f, e in self._families.items() if e["cues"] and any(c in text for c in e["cues"])}

    def _cue_clauses_reference(self, text: str, family: str) -> str:
        cues = self._families.get(family, {}).get("cues", ())
        return " ".join(c for c in self._clause.split(text) if any(w in c for w in cues))

    def _analyse_reference(self, text: str) -> tuple[set[str], set[str], list[str]]:
        topics, cues = self._topics_reference(text), self._cues_reference(text)
        gated = self._gate(text, topics, cues, lambda c: (self._topics_reference(c), self._cues_reference(c)))
        return topics, cues, gated

    def labels_for(self, text: str) -> list[str]:
        return self.analyse(text)[2]

    def predict(self, X, threshold: Optional[float] = None) -> list[tuple[str, ...]]:
        return [tuple(self.labels_for(text)) for text, _ in as_items(X)]

    def tag(self, X, threshold: Optional[float] = None) -> list[list[tuple[str, float]]]:
        """Rule hits score 1.0, so any threshold ≤ 1 keeps them."""
        return [[(lab, 1.0) for lab in self.labels_for(text)] for text, _ in as_items(X)]

