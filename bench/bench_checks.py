"""make bench: (1) precision/recall of each post-check detector on the labelled corpus;
(2) the approval queue measured side by side at two sizes — queries and time, with their ratios.

Runs on a throw-away SQLite database in a temporary folder (or on DATABASE_URL if set)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["PORTAL_DATA_DIR"] = tempfile.mkdtemp(prefix="portal-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy_portal.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def detectors() -> None:
    from approvals.check_metrics import score
    from approvals.checks import DETECTORS, CheckInput
    from tests.approvals.check_corpus import CORPUS, MEDIA_CORPUS, UNDERCOVER

    print(
        f"{'detector':22} {'examples':>8} {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3} "
        f"{'precision':>9} {'recall':>7}"
    )
    for d in DETECTORS:
        if d.code == "media_licence":
            examples = [(CheckInput(text="", media=m), e) for m, e in MEDIA_CORPUS]
        else:
            examples = [(CheckInput(text=t, undercover_names=UNDERCOVER), e) for t, e in CORPUS[d.code]]
        s = score(d.code, examples)
        print(
            f"{d.code:22} {len(examples):>8} {s.tp:>3} {s.fp:>3} {s.fn:>3} {s.tn:>3} "
            f"{s.precision:>9.2f} {s.recall:>7.2f}"
        )


def queue(sizes: tuple[int, int] = (20, 400)) -> None:
    from accounts.profiles import load_all_profiles
    from approvals.selectors import posts_for_queue
    from approvals.services import post_create, post_submit
    from tests import factories as f

    call_command("migrate", verbosity=0, interactive=False)
    load_all_profiles()
    chief = f.chief(username="bench-chief")
    sergeant = f.MemberFactory(username="bench-sergeant")
    pio = f.pio(username="bench-pio")
    results = []
    made = 0
    for size in sizes:
        while made < size:
            account = f.account(pio, approver=chief, status="active", handle=f"@bench{made}")
            from accounts.services import account_grant_post_approver

            account_grant_post_approver(account=account, actor=chief, member=sergeant)
            post = post_create(
                actor=pio,
                account=account,
                data={"body": f"Safety tip {made}", "category": "community_outreach"},
            )
            post_submit(post=post, actor=pio)
            made += 1
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            rows = list(posts_for_queue(sergeant, {"status": "submitted"}))
            [(p.account.handle, p.author.username, p.blocking_count) for p in rows]
            elapsed = time.perf_counter() - start
        results.append((size, len(rows), len(ctx.captured_queries), elapsed))
    print(f"\napproval queue for one approver ({connection.vendor})")
    print(f"{'posts/accounts':>14} {'rows':>5} {'queries':>8} {'ms':>8}")
    for size, rows, queries, elapsed in results:
        print(f"{size:>14} {rows:>5} {queries:>8} {elapsed * 1000:>8.1f}")
    (s1, _, q1, t1), (s2, _, q2, t2) = results
    print(f"ratio x{s2 / s1:.0f} data: queries x{q2 / q1:.2f}, time x{t2 / t1:.2f}")


if __name__ == "__main__":
    detectors()
    queue()
