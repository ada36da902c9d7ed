"""Settings come from the environment and fail loudly on a malformed value (style rule 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from policy_portal.env import env_bool, env_choice, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def test_env_helpers_parse_good_values():
    env = {"B": "yes", "I": "42", "L": "a.example, b.example", "S": "x", "C": "two"}
    assert env_bool("B", False, environ=env) is True
    assert env_bool("MISSING", True, environ=env) is True
    assert env_int("I", 0, environ=env) == 42
    assert env_list("L", [], environ=env) == ["a.example", "b.example"]
    assert env_str("S", environ=env) == "x"
    assert env_choice("C", "one", {"one", "two"}, environ=env) == "two"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: env_bool("B", False, environ={"B": "ture"}), "not a boolean"),
        (lambda: env_int("I", 0, environ={"I": "12abc"}), "not an integer"),
        (lambda: env_int("I", 0, minimum=1, environ={"I": "0"}), "below its minimum"),
        (lambda: env_list("L", [], environ={"L": "a,,b"}), "empty item"),
        (lambda: env_str("S", environ={}), "required"),
        (lambda: env_choice("C", "one", {"one"}, environ={"C": "three"}), "must be one of"),
    ],
)
def test_env_helpers_fail_loudly_on_bad_values(call, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        call()


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_defaults_refuse_to_start_without_secret_key():
    result = _manage("check", env={})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is required" in result.stderr


def test_malformed_debug_value_stops_startup():
    result = _manage("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0 and "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_malformed_database_url_stops_startup():
    result = _manage("check", env={"DJANGO_DEBUG": "true", "DATABASE_URL": "nosuchdb://x"})
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_check_deploy_passes_with_production_environment():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SECRET_KEY": "k" * 30 + "Zq9!x7#Lm2@Vb4$Nc8%Hd6^Jf1&Ks3*",
            "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
