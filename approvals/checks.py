"""Policy checks over a post's text and media (policy-map B3, B4, E2).

Each detector names the clauses it enforces and whether a hit blocks approval or is a warning the
approver acknowledges in writing. Word lists are data (``check_rules.json``); names of members
flagged undercover come from the member register. ``tests/approvals/check_corpus.py`` labels true and
false examples for every detector; ``make bench`` prints each detector's precision and recall.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).resolve().parent / "check_rules.json"
BLOCK, WARN = "block", "warn"


@dataclass(frozen=True)
class Hit:
    detector: str
    clause: str
    severity: str
    message: str
    start: int | None = None
    end: int | None = None
    excerpt: str = ""


@dataclass
class CheckInput:
    text: str
    media: list[dict[str, Any]] = field(default_factory=list)  # {"name", "licence", "source"}
    undercover_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Detector:
    code: str
    label: str
    clause: str
    severity: str
    run: Callable[[CheckInput, Detector], list[Hit]]


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def _alternation(terms: Iterable[str]) -> str:
    return "(?:" + "|".join(terms) + ")"


@lru_cache(maxsize=32)
def _compiled(key: str, *, word: bool = True) -> re.Pattern[str]:
    body = _alternation(rules()[key])
    return re.compile(rf"\b{body}(?!\w)" if word else body, re.IGNORECASE)


def _hit(d: Detector, text: str, start: int, end: int, message: str, severity: str | None = None) -> Hit:
    lo, hi = max(0, start - 30), min(len(text), end + 30)
    while lo > 0 and not text[lo - 1].isspace() and start - lo < 45:  # whole words in the excerpt
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < 45:
        hi += 1
    return Hit(d.code, d.clause, severity or d.severity, message, start, end, text[lo:hi].strip())


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    for match in re.finditer(r"[^.!?\n]+[.!?]?", text):
        yield match.start(), match.group(0)


def _guilt(ci: CheckInput, d: Detector) -> list[Hit]:
    hits = []
    for pattern in rules()["guilt_patterns"]:
        for m in re.finditer(pattern, ci.text, flags=0 if "[A-Z]" in pattern else re.IGNORECASE):
            before = ci.text[max(0, m.start() - 15) : m.start()].lower()
            after = ci.text[m.end() : m.end() + 20].lower()
            if "presumed" in before or "until proven" in after or "presumed" in m.group(0).lower():
                continue  # the presumption-of-innocence notice itself (BPD Disclaimer)
            hits.append(
                _hit(d, ci.text, m.start(), m.end(), "States or implies guilt or innocence of a suspect.")
            )
    return hits


def _prosecution(ci: CheckInput, d: Detector) -> list[Hit]:
    return [
        _hit(d, ci.text, m.start(), m.end(), f"Mentions a pending prosecution ({m.group(0)!r}).")
        for m in _compiled("prosecution_terms").finditer(ci.text)
    ]


def _confidential(ci: CheckInput, d: Detector) -> list[Hit]:
    return [
        _hit(d, ci.text, m.start(), m.end(), f"May disclose confidential information ({m.group(0)!r}).")
        for m in _compiled("confidential_terms").finditer(ci.text)
    ]


_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_DOB = re.compile(r"\b(?:DOB|D\.O\.B\.?|date of birth|born on)\b", re.IGNORECASE)
_HOME = re.compile(r"\b(?:lives at|resides at|residing at|home address|residence (?:at|of))\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<!\d)\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?!\d)")
_PERSONAL_PHONE_CONTEXT = re.compile(
    r"\b(?:his|her|their|victim'?s?|suspect'?s?|resident'?s?|cell|home|personal)\b[^.\n]{0,30}$",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+\b")


def _private(ci: CheckInput, d: Detector) -> list[Hit]:
    text, hits = ci.text, []
    for m in _SSN.finditer(text):
        hits.append(_hit(d, text, m.start(), m.end(), "Looks like a Social Security number."))
    for m in _DOB.finditer(text):
        hits.append(_hit(d, text, m.start(), m.end(), "Discloses a date of birth."))
    for m in _HOME.finditer(text):
        hits.append(_hit(d, text, m.start(), m.end(), "Discloses a home address."))
    for m in _PHONE.finditer(text):
        if _PERSONAL_PHONE_CONTEXT.search(text[max(0, m.start() - 40) : m.start()]):
            hits.append(_hit(d, text, m.start(), m.end(), "Discloses a private phone number."))
    juvenile, arrest = _compiled("juvenile_terms"), _compiled("arrest_terms")
    for offset, sentence in _sentences(text):
        jm = juvenile.search(sentence)
        if jm and _NAME.search(sentence) and arrest.search(sentence):
            hits.append(
                _hit(
                    d,
                    text,
                    offset + jm.start(),
                    offset + jm.end(),
                    "Identifies a juvenile in an arrest context.",
                )
            )
    return hits


def _undercover(ci: CheckInput, d: Detector) -> list[Hit]:
    hits = []
    for name in ci.undercover_names:
        if len(name.strip()) < 4:
            continue
        for m in re.finditer(rf"\b{re.escape(name)}\b", ci.text, re.IGNORECASE):
            hits.append(_hit(d, ci.text, m.start(), m.end(), "Names a member flagged as working undercover."))
    return hits


def _protected_class(ci: CheckInput, d: Detector) -> list[Hit]:
    groups = _compiled("protected_groups")
    predicates = _compiled("disparaging_predicates")
    hits = []
    for offset, sentence in _sentences(ci.text):
        g = groups.search(sentence)
        if g and predicates.search(sentence, g.end()):
            hits.append(
                _hit(d, ci.text, offset + g.start(), offset + g.end(), "Disparages a protected class.")
            )
    return hits


def _weapons(ci: CheckInput, d: Detector) -> list[Hit]:
    """A weapon mentioned within a short window of glorifying language (a sentence or its neighbour)."""
    weapons, glory = _compiled("weapon_terms"), _compiled("glorifying_terms", word=False)
    hits = []
    for w in weapons.finditer(ci.text):
        window = ci.text[max(0, w.start() - 80) : w.end() + 80]
        if glory.search(window):
            hits.append(_hit(d, ci.text, w.start(), w.end(), "Weaponry shown as glorifying violence."))
    return hits


def _media_licence(ci: CheckInput, d: Detector) -> list[Hit]:
    return [
        Hit(d.code, d.clause, d.severity, "Media item has no copyright/licence record.", excerpt=item["name"])
        for item in ci.media
        if not item.get("licence") or not (item.get("source") or "").strip()
    ]


DETECTORS: list[Detector] = [
    Detector(
        "guilt_innocence",
        "Guilt or innocence of a suspect",
        "CPD III.C.4.b; BPD Sanctioned use 3; HPPD I.D.3",
        BLOCK,
        _guilt,
    ),
    Detector(
        "pending_prosecution",
        "Comment on a pending prosecution",
        "CPD III.C.4.b; BPD Sanctioned use 3; HPPD I.D.3",
        WARN,
        _prosecution,
    ),
    Detector(
        "confidential",
        "Confidential information",
        "CPD II.C.2; BPD Sanctioned use 3; HPPD I.D.3, III.A.7",
        WARN,
        _confidential,
    ),
    Detector(
        "private_data",
        "Private information (SSN, DOB, address, phone, juvenile)",
        "BPD Platform 2.f; CPD III.C.4.d",
        BLOCK,
        _private,
    ),
    Detector(
        "undercover_member",
        "Identifies an undercover member",
        "BPD Personal use 4.b; HPPD III.A.10",
        BLOCK,
        _undercover,
    ),
    Detector(
        "protected_class",
        "Disparages a protected class",
        "CPD II.C.3; BPD Personal use 5.a; HPPD III.A.6.b",
        BLOCK,
        _protected_class,
    ),
    Detector(
        "weapons_violence",
        "Weapons glorifying violence",
        "BPD Personal use 5.c; HPPD III.A.8-9",
        BLOCK,
        _weapons,
    ),
    Detector(
        "media_licence",
        "Media without copyright/licence record",
        "CPD III.C.4.c; BPD Sanctioned use 4.c; HPPD I.E",
        BLOCK,
        _media_licence,
    ),
]
DETECTOR_BY_CODE = {d.code: d for d in DETECTORS}


def run_checks(ci: CheckInput, *, only: Iterable[str] | None = None) -> list[Hit]:
    selected = [DETECTOR_BY_CODE[c] for c in only] if only else DETECTORS
    hits: list[Hit] = []
    for detector in selected:
        kept: list[Hit] = []
        for hit in sorted(detector.run(ci, detector), key=lambda h: (h.start or 0, -(h.end or 0))):
            overlaps = any(
                k.start is not None
                and hit.start is not None
                and hit.start < (k.end or 0)
                and k.start < (hit.end or 0)
                for k in kept
            )
            if not overlaps:
                kept.append(hit)  # one finding per span: "is guilty of" is one statement, not two
        hits.extend(kept)
    return hits


def judged_media_inquiry(text: str) -> bool:
    """CPD IV.C.6 (B4): does the text look like it will draw media inquiries?"""
    return bool(_compiled("media_inquiry_terms").search(text))


def undercover_names() -> list[str]:
    """Full names and 'Rank Last' of members flagged undercover (E2)."""
    from accounts.models import Member

    names: list[str] = []
    for first, last, rank in Member.objects.filter(is_undercover=True).values_list(
        "first_name", "last_name", "rank"
    ):
        if first and last:
            names.append(f"{first} {last}")
        if rank and last:
            names.append(f"{rank} {last}")
    return names
