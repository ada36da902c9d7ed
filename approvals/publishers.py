"""Publishing behind a small interface: the workflow asks a publisher to put an approved post out
and records what it answers. The shipped publisher records a manual publication (staff post it on
the platform and paste its id/URL); a platform adapter implements the same method later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.module_loading import import_string

from policy_portal.errors import InvalidInput

if TYPE_CHECKING:
    from .models import Post


@dataclass(frozen=True)
class Publication:
    platform_post_id: str
    platform_url: str
    published_at: datetime


class Publisher(Protocol):
    def publish(
        self, post: Post, *, platform_post_id: str, platform_url: str, published_at: datetime
    ) -> Publication: ...


class ManualPublisher:
    """Staff published by hand; we record the platform's id or URL they give (at least one)."""

    def publish(
        self, post: Post, *, platform_post_id: str, platform_url: str, published_at: datetime
    ) -> Publication:
        platform_post_id = (platform_post_id or "").strip()[:200]
        platform_url = (platform_url or "").strip()
        if not platform_post_id and not platform_url:
            raise InvalidInput.for_field("platform_url", "Give the published post's URL or platform id.")
        if platform_url:
            try:
                URLValidator(schemes=["https", "http"])(platform_url)
            except ValidationError:
                raise InvalidInput.for_field("platform_url", "Enter a valid http(s) URL.") from None
        return Publication(platform_post_id, platform_url, published_at)


def get_publisher() -> Publisher:
    path = getattr(settings, "POST_PUBLISHER", "approvals.publishers.ManualPublisher")
    return import_string(path)()
