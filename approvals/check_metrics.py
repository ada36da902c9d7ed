"""Precision and recall of each post-check detector over a labelled corpus (used by tests and bench)."""

from __future__ import annotations

from dataclasses import dataclass

from .checks import CheckInput, run_checks


@dataclass(frozen=True)
class Score:
    detector: str
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(detector: str, examples: list[tuple[CheckInput, bool]]) -> Score:
    tp = fp = fn = tn = 0
    for check_input, expected in examples:
        fired = bool(run_checks(check_input, only=[detector]))
        tp += fired and expected
        fp += fired and not expected
        fn += expected and not fired
        tn += not expected and not fired
    return Score(detector, tp, fp, fn, tn)
