"""The taxonomy as data: the 35 labels of gxnlp/data/taxonomy.toml, their families, and user extensions.

A label is `family:name` with a definition, topic words, patterns, not_words and examples; a
family holds the cue words that make a topic word count (a shortcoming admitted for problem:*,
an action reported for measure:*). Everything here is plain data; the rule layer (rules.py)
and the classifier (classifier.py) read it.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional, Union

from gxnlp import rules
from gxnlp.errors import RulesError
from gxnlp.model.core import Sentence

LABEL_NAME = re.compile(r"^[a-z][a-z0-9_]*:[a-z0-9_]+$")
NO_SECTION = "none"
FAMILIES = ("channel", "problem", "measure")

@dataclass(frozen=True)
class Label:
    name: str
    definition: str
    words: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    not_words: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.name.split(":", 1)[0]


@dataclass(frozen=True)
class Family:
    name: str
    description: str = ""
    cues: tuple[str, ...] = ()
    requires_cue: bool = False
    blocked_by: Optional[str] = None
    scope: str = "sentence"  # where the cue must stand: "sentence" or "clause" (with the topic word)


@dataclass(frozen=True)
class Taxonomy:
    labels: dict[str, Label]
    families: dict[str, Family] = field(default_factory=dict)
    clause_punct: str = "，；：。！？,;:!?"

    @property
    def names(self) -> list[str]:
        return list(self.labels)

    def family_labels(self, family: str) -> list[str]:
        return [n for n, lab in self.labels.items() if lab.family == family]

    def lexicon(self) -> dict:
        """Plain dicts/lists/str: what a trained model stores so it does not depend on later edits."""
        return {
            "labels": {n: {"words": list(l.words), "patterns": list(l.patterns), "not_words": list(l.not_words)}
                       for n, l in self.labels.items()},
            "families": {n: {"cues": list(f.cues), "requires_cue": f.requires_cue, "blocked_by": f.blocked_by or "",
                             "scope": f.scope} for n, f in self.families.items()},
            "clause_punct": self.clause_punct,
        }


def _strings(where: str, value, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise RulesError(where, f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _merge(base: dict, extra: dict, where: str) -> dict:
    """Merge a user taxonomy into the shipped one: new labels added, word lists appended."""
    labels = {k: dict(v) for k, v in base.get("label", {}).items()}
    for name, entry in extra.get("label", {}).items():
        if name in labels:
            merged = labels[name]
            for key in ("words", "patterns", "not_words"):
                merged[key] = [*merged.get(key, ()), *_strings(where, entry.get(key), key)]
            for key in ("definition", "examples"):
                if key in entry:
                    merged[key] = entry[key]
        else:
            labels[name] = dict(entry)
    families = {k: dict(v) for k, v in base.get("family", {}).items()}
    for name, entry in extra.get("family", {}).items():
        merged = families.setdefault(name, {})
        merged["cues"] = [*merged.get("cues", ()), *_strings(where, entry.get("cues"), "cues")]
        for key in ("description", "requires_cue", "blocked_by", "scope"):
            if key in entry:
                merged[key] = entry[key]
    return {"label": labels, "family": families, "sentences": base.get("sentences", {})}


def _build(data: dict, where: str) -> Taxonomy:
    labels = {}
    for name, entry in data.get("label", {}).items():
        if not LABEL_NAME.match(name):
            raise RulesError(where, f"bad label name {name!r} (want family:name, lower case)")
        if not isinstance(entry.get("definition"), str) or not entry["definition"].strip():
            raise RulesError(where, f"label {name!r} has no definition")
        patterns = _strings(where, entry.get("patterns"), "patterns")
        for p in patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise RulesError(where, f"label {name!r}: bad pattern {p!r}: {e}") from e
        labels[name] = Label(name, entry["definition"], _strings(where, entry.get("words"), "words"), patterns,
                             _strings(where, entry.get("not_words"), "not_words"),
                             _strings(where, entry.get("examples"), "examples"))
    families = {}
    for name in dict.fromkeys(lab.family for lab in labels.values()):
        entry = data.get("family", {}).get(name, {})
        blocked = entry.get("blocked_by") or None
        if blocked is not None and blocked not in data.get("family", {}):
            raise RulesError(where, f"family {name!r} blocked by unknown family {blocked!r}")
        scope = entry.get("scope", "sentence")
        if scope not in ("sentence", "clause"):
            raise RulesError(where, f"family {name!r}: scope must be 'sentence' or 'clause', not {scope!r}")
        families[name] = Family(name, entry.get("description", ""), _strings(where, entry.get("cues"), "cues"),
                                bool(entry.get("requires_cue", False)), blocked, scope)
    return Taxonomy(labels, families, data.get("sentences", {}).get("clause_punct", Taxonomy.clause_punct))


def _thaw(obj):
    if hasattr(obj, "items"):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return [_thaw(v) for v in obj]
    return obj


def load_taxonomy(extra_path: Union[str, Path, None] = None) -> Taxonomy:
    """The shipped taxonomy, merged with a user TOML of the same shape when given.

    A user file adds labels (``[label."channel:radio"]`` with ``definition``, ``words``, …) or
    extends existing ones (its ``words``/``patterns``/``not_words`` are appended; its
    ``definition``/``examples`` replace). The shipped model knows only the labels it was trained
    on; added labels are tagged by the rule layer.
    """
    if extra_path is None:
        return _shipped_taxonomy()
    base = _thaw(rules.load("taxonomy"))
    where = str(extra_path)
    try:
        extra = tomllib.loads(Path(extra_path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RulesError(where, str(e)) from e
    return _build(_merge(base, extra, where), where)


@lru_cache(maxsize=1)
def _shipped_taxonomy() -> Taxonomy:
    return _build(_thaw(rules.load("taxonomy")), "gxnlp/data/taxonomy.toml")



# --- inputs --------------------------------------------------------------------------------

def as_items(X) -> list[tuple[str, str]]:
    """(text, section) pairs from strings, Sentences, dicts or (text, section) tuples."""
    items = []
    for x in X:
        if isinstance(x, str):
            items.append((x, NO_SECTION))
        elif isinstance(x, Sentence):
            items.append((x.text, x.section or NO_SECTION))
        elif isinstance(x, dict):
            items.append((x["text"], x.get("section") or NO_SECTION))
        else:
            text, section = x
            items.append((text, section or NO_SECTION))
    return items


def strip_enumerator(text: str) -> str:
    """The sentence without its list marker ("二是", "（三）"), so that its first words are its verb or subject."""
    from gxnlp.tag.sentences import split_rules

    m = split_rules().marker.match(text)
    return text[m.end():] if m else text

