#!/usr/bin/env bash
# Start the portal for a laptop: web server + one Celery worker + exactly one beat.
# Embedded defaults (SQLite, filesystem broker) unless DATABASE_URL / REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
mkdir -p var/log

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A policy_portal worker --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
pids+=($!)
# Exactly one beat: its schedule lives in the database (django-celery-beat).
.venv/bin/celery -A policy_portal beat --loglevel=INFO >var/log/beat.log 2>&1 &
pids+=($!)

cat <<MSG

  Policy portal:  http://127.0.0.1:${PORT}/        (API docs: http://127.0.0.1:${PORT}/api/docs/)
  Database:       ${DATABASE_URL:-SQLite var/portal.sqlite3}
  Broker:         ${REDIS_URL:-filesystem:// in var/broker}
  Worker & beat:  logs in var/log/worker.log and var/log/beat.log

  Demo logins (password for all: portal-demo-2026):
    chief       chief's designee - approves department accounts
    pio, pio2   PIO staff, administrators of different accounts
    sergeant    supervisor - approves posts
    detective, detective2   investigators in two units (trained)
    rookie      investigator without Internet-investigations training
    lieutenant  authorizes covert use
    records     records officer        auditor  read-only audit
    officer     member with no special role
    admin       Django admin superuser

  Stop with Ctrl-C.
MSG
$PY manage.py runserver "127.0.0.1:${PORT}"
