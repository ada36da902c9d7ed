"""Post checks (policy-map B3, E2) measured on the labelled corpus."""

from __future__ import annotations

import pytest

from approvals.check_metrics import score
from approvals.checks import DETECTORS, CheckInput, judged_media_inquiry, run_checks
from tests.approvals.check_corpus import CORPUS, MEDIA_CORPUS, UNDERCOVER

# Floors, not targets: the corpus includes known misses, so a perfect score is not expected.
FLOOR = 0.8


def _examples(detector: str):  # type: ignore[no-untyped-def]
    if detector == "media_licence":
        return [(CheckInput(text="", media=m), e) for m, e in MEDIA_CORPUS]
    return [(CheckInput(text=t, undercover_names=UNDERCOVER), e) for t, e in CORPUS[detector]]


@pytest.mark.parametrize("detector", [d.code for d in DETECTORS])
def test_each_detector_meets_its_precision_and_recall_floor_b3(detector):
    """CPD II.C.1–3, III.C.4.b–d; BPD Sanctioned use 3, 4.c, Platform 2.f; HPPD I.D.3, III.A.6, III.A.10."""
    examples = _examples(detector)
    assert sum(e for _, e in examples) >= 3 and sum(not e for _, e in examples) >= 2  # both kinds labelled
    result = score(detector, examples)
    assert result.precision >= FLOOR and result.recall >= FLOOR, result


def test_every_detector_cites_a_clause_and_a_severity():
    for d in DETECTORS:
        assert d.clause and d.severity in {"block", "warn"}


def test_finding_names_clause_span_and_severity_cpd_iii_c_4_b():
    text = "Update: the suspect is guilty of the thefts."
    (hit,) = run_checks(CheckInput(text=text), only=["guilt_innocence"])
    assert hit.severity == "block" and "CPD III.C.4.b" in hit.clause
    assert text[hit.start : hit.end] == "is guilty"


def test_confidential_and_prosecution_findings_are_warnings_cpd_ii_c_2():
    hits = run_checks(CheckInput(text="Confidential informant says the trial starts Monday."))
    assert {h.detector for h in hits} == {"confidential", "pending_prosecution"}
    assert {h.severity for h in hits} == {"warn"}


def test_media_inquiry_judgement_cpd_iv_c_6():
    assert judged_media_inquiry("Officer-involved shooting on Route 9")
    assert not judged_media_inquiry("Pancake breakfast at the fire station")
