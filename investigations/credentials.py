"""The credential screen for background and internal investigation reviews (policy-map E1).

The portal never asks for, and never stores, a member's or candidate's social media password or login.
Every write path of a review passes the whole submission — every key at any depth, unknown extras
included, and the name of any uploaded file — through :func:`refuse_credentials` before anything is
validated or written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict

from policy_portal.errors import InvalidInput

CITATION = "820 ILCS 55/10(b)(1)"
FIELD_MESSAGE = (
    f"Looks like a social media password or login: refused ({CITATION}; HPPD IV.C, V.C). "
    "Record only public-domain content and identify an account by its public address (URL)."
)

# A field *name* made of one of these words (snake, kebab or camel case) names a credential.
_CREDENTIAL_WORDS = frozenset(
    {
        "password",
        "passwords",
        "passwd",
        "pwd",
        "pw",
        "pass",
        "passcode",
        "passphrase",
        "pin",
        "pins",
        "login",
        "logins",
        "logon",
        "signin",
        "username",
        "usernames",
        "credential",
        "credentials",
        "creds",
        "secret",
        "secrets",
        "token",
        "tokens",
        "otp",
        "totp",
        "2fa",
        "mfa",
        "session",
        "sessionid",
        "cookie",
        "cookies",
        "jwt",
        "apikey",
    }
)
# Two words that together name one: user_name, log_in, security_answer ...
_CREDENTIAL_PAIRS = frozenset(
    {
        ("user", "name"),
        ("log", "in"),
        ("sign", "in"),
        ("security", "question"),
        ("security", "questions"),
        ("security", "answer"),
        ("security", "answers"),
        ("secret", "question"),
        ("secret", "answer"),
        ("api", "key"),
        ("access", "key"),
        ("private", "key"),
        ("auth", "code"),
        ("verification", "code"),
        ("one", "time"),
        ("two", "fa"),
        ("two", "factor"),
    }
)
# Written together without separators ("userpassword", "loginname"). Only words that do not hide
# inside ordinary ones: "pin" (opinion, Pinterest), "pass" (passenger), "secret" (secretary) and
# "session" (possession) are matched as whole words only.
_CREDENTIAL_FRAGMENTS = (
    "password",
    "passwd",
    "passcode",
    "passphrase",
    "credential",
    "username",
    "login",
    "cookie",
    "sessionid",
    "authtoken",
    "accesstoken",
    "refreshtoken",
    "securityanswer",
    "securityquestion",
)

# A *value* holding a credential: "password: hunter2", "login = jdoe", "pw=…", "PIN: 4471",
# "?access_token=…" — a credential word directly followed by ':' or '=' and something after it —
# or an address carrying a user and password (https://jdoe:hunter2@example.com). An ordinary word in
# a sentence ("a photo of a pin badge", "posted about a lost password") passes.
_VALUE_PATTERNS = (
    re.compile(
        r"(?<![a-z0-9])(?:[a-z0-9]+[_-])?"
        r"(?:password|passwd|passphrase|passcode|pwd|pw|pass|pin|log[ _-]?in|logon|sign[ _-]?in|"
        r"user[ _-]?name|credentials?|creds|secret|(?:auth|access|refresh|bearer)?[ _-]?token|"
        r"otp|totp|(?:2fa|mfa)(?:[ _-]?code)?|(?:one[ -]time|verification|auth|access|security)[ _-]"
        r"(?:code|pin|password)|security[ _-](?:question|answer)|session[ _-]?(?:id|key|cookie)|cookie)"
        r"\s*[:=]\s*\S",
        re.IGNORECASE,
    ),
    re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE),
)

_FILENAME_KEYS = frozenset({"filename", "file_name", "fileName", "name"})
_MAX_NODES = 5000


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w]


def looks_like_credential_name(name: str, *, strong_only: bool = False) -> bool:
    """A field name (or a file name, with ``strong_only``) that names a password, login or token."""
    words = _words(name)
    compact = "".join(words)
    if any(fragment in compact for fragment in _CREDENTIAL_FRAGMENTS):
        return True
    if strong_only:
        return False
    return bool(set(words) & _CREDENTIAL_WORDS) or any(
        pair in _CREDENTIAL_PAIRS for pair in zip(words, words[1:], strict=False)
    )


def looks_like_credential_value(text: str) -> bool:
    return any(pattern.search(text) for pattern in _VALUE_PATTERNS)


def _items(data: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(data, MultiValueDict):  # QueryDict and request.FILES: every value, not just the last
        for key, values in data.lists():
            yield str(key), values[0] if len(values) == 1 else values
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield str(key), value
    else:
        for index, value in enumerate(data):
            yield str(index), value


def _findings(data: Any) -> list[str]:
    """Dotted paths of every credential-like field in ``data``; iterative, so deep nesting cannot
    exhaust the stack."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", data)]
    seen = 0
    while stack:
        path, node = stack.pop()
        seen += 1
        if seen > _MAX_NODES:
            raise InvalidInput.for_field("non_field_errors", "The submission is too large to check.")
        if isinstance(node, Mapping | list | tuple):
            for key, value in _items(node):
                child = f"{path}.{key}" if path else key
                if not isinstance(node, list | tuple) and looks_like_credential_name(key):
                    found.append(child)
                    continue
                if (
                    key in _FILENAME_KEYS
                    and isinstance(value, str)
                    and (
                        looks_like_credential_name(value, strong_only=True)
                        or looks_like_credential_value(value)
                    )
                ):
                    found.append(child)
                    continue
                stack.append((child, value))
        elif isinstance(node, UploadedFile):
            name = node.name or ""
            if looks_like_credential_name(name, strong_only=True) or looks_like_credential_value(name):
                found.append(f"{path}.filename" if path else "filename")
            elif node.content_type and looks_like_credential_value(node.content_type):
                found.append(f"{path}.content_type" if path else "content_type")
        elif isinstance(node, str) and looks_like_credential_value(node):
            found.append(path or "non_field_errors")
    return sorted(set(found))


def refuse_credentials(data: Any) -> None:
    """HPPD IV.C, V.C; 820 ILCS 55/10: refuse a submission that carries a social media password or
    login of a member or candidate — by a field *name* that looks like one (password, pin, login,
    username, token, 2FA code, security answer, session cookie …) anywhere in the data, or by a text
    *value* that holds one ("password: …", "login=…", "pw=…", a URL with user:password@). Raises
    :class:`InvalidInput` (400) naming every such field; the value itself is never echoed back, logged
    or written. Call it before anything is validated or saved."""
    found = _findings(data)
    if found:
        raise InvalidInput(
            f"Refused: {', '.join(found)} looks like a social media password or login. This portal never "
            f"asks for or stores one ({CITATION}; HPPD IV.C, V.C). Remove it and record only "
            "public-domain content.",
            code="credential_refused",
            fields={path: [FIELD_MESSAGE] for path in found},
        )
