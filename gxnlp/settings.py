"""ParseSettings: every knob with a default, validated once (pdfplumber's TableSettings pattern)."""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class ParseSettings:
    max_text_bytes: int = 20_000_000  # a report's text is < 1 MB; 20 MB is a wrong file, not a report
    max_pdf_pages: int = 500
    max_docx_part_bytes: int = 50_000_000  # uncompressed size of one part of a .docx (a zip bomb inflates to GBs)
    max_text_chars: int = 3_000_000  # characters of text once loaded (a long report has ~100,000)
    max_field_chars: int = 200  # title and agency: a longer "title" is a misread line, not a name
    label_threshold: float = 0.75  # minimum similarity for a table row label to anchor a row
    repair_split_numbers: bool = True  # join a number split over two cells when that restores the row's sum
    tag_sentences: bool = True  # run the sentence classifier (needs the shipped model)

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"Parse setting '{f.name}' cannot be negative")
        if not 0 < self.label_threshold <= 1:
            raise ValueError("Parse setting 'label_threshold' must be in (0, 1]")

    @classmethod
    def resolve(cls, settings=None) -> "ParseSettings":
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            unknown = set(settings) - {f.name for f in fields(cls)}
            if unknown:
                raise ValueError(f"Unknown parse setting '{sorted(unknown)[0]}'")
            return cls(**settings)
        raise TypeError(f"settings must be None, a dict or ParseSettings, not {type(settings).__name__}")
