"""/api/v1/alias-authorizations/ and its use log, /api/v1/background-reviews/ and what was viewed in them.
Every object outside need-to-know is 404 (C8, E1)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import DepartmentDevice, Member

from . import services
from .models import (
    AliasAuthorization,
    BackgroundReview,
    EngagementLevel,
    PlannedActivity,
    ReviewEntry,
    ReviewKind,
    UseBasis,
    UseLogEntry,
    ValidationMethod,
)
from .selectors import (
    authorization_for_read,
    authorizations_listed,
    background_review_for_read,
    background_reviews_visible,
)


class AliasAuthorizationSerializer(serializers.ModelSerializer):
    requester = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    engagement_level = serializers.ChoiceField(choices=EngagementLevel.choices)
    planned_activities = serializers.ListField(
        child=serializers.ChoiceField(choices=PlannedActivity.choices), required=False
    )
    first_amendment_attestation = serializers.BooleanField()
    on_duty = serializers.BooleanField(write_only=True, help_text="You are on duty now (BPD off-duty rule).")

    class Meta:
        model = AliasAuthorization
        fields = [
            "id",
            "platform",
            "alias_handle",
            "alias_identity",
            "engagement_level",
            "case_number",
            "purpose",
            "target_description",
            "target_handles",
            "planned_activities",
            "first_amendment_attestation",
            "on_duty",
            "starts_on",
            "ends_on",
            "status",
            "requester",
            "requested_at",
            "decided_by",
            "decided_at",
            "authority",
            "decision_note",
            "renewal_of",
            "ended_at",
        ]
        read_only_fields = [
            "status",
            "requested_at",
            "decided_at",
            "authority",
            "decision_note",
            "renewal_of",
            "ended_at",
        ]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AliasReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RenewSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    on_duty = serializers.BooleanField()


class UseSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(slug_field="username", read_only=True)
    on_duty = serializers.BooleanField()
    personal_account = serializers.BooleanField(
        write_only=True, default=False, help_text="A personal account was used (always refused)."
    )
    basis = serializers.ChoiceField(choices=UseBasis.choices)
    occurred_at = serializers.DateTimeField(required=False)
    device = serializers.PrimaryKeyRelatedField(queryset=DepartmentDevice.objects.all())

    class Meta:
        model = UseLogEntry
        fields = [
            "id",
            "member",
            "occurred_at",
            "on_duty",
            "personal_account",
            "device",
            "basis",
            "basis_reference",
            "activity",
            "leads_forwarded_to",
            "report_number",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class AliasAuthorizationViewSet(viewsets.GenericViewSet):
    """Alias-account authorizations (policy-map C1–C8)."""

    serializer_class = AliasAuthorizationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return AliasAuthorization.objects.visible_to(self.request.user).select_related(
            "requester", "decided_by"
        )

    def get_object(self) -> AliasAuthorization:
        return authorization_for_read(self.request.user, self.kwargs["pk"])

    def _out(self, auth: AliasAuthorization, code: int = status.HTTP_200_OK) -> Response:
        auth.refresh_from_db()
        return Response(AliasAuthorizationSerializer(auth).data, status=code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset().order_by("-requested_at"))
        authorizations_listed(request.user, page)
        return self.get_paginated_response(AliasAuthorizationSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(AliasAuthorizationSerializer(self.get_object()).data)

    def create(self, request: Request) -> Response:
        payload = AliasAuthorizationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        on_duty = data.pop("on_duty")
        return self._out(services.alias_request(actor=request.user, data=data, on_duty=on_duty), 201)

    @extend_schema(request=NoteSerializer, responses={200: AliasAuthorizationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        auth = self.get_object()
        payload = NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.alias_approve(auth=auth, actor=request.user, **payload.validated_data))

    def _ending(self, request: Request, fn: Any) -> Response:
        auth = self.get_object()
        payload = AliasReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(fn(auth=auth, actor=request.user, **payload.validated_data))

    @extend_schema(request=AliasReasonSerializer, responses={200: AliasAuthorizationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._ending(request, services.alias_reject)

    @extend_schema(request=AliasReasonSerializer, responses={200: AliasAuthorizationSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        return self._ending(request, services.alias_revoke)

    @extend_schema(request=AliasReasonSerializer, responses={200: AliasAuthorizationSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._ending(request, services.alias_close)

    @extend_schema(request=RenewSerializer, responses={201: AliasAuthorizationSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str | None = None) -> Response:
        auth = self.get_object()
        payload = RenewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.alias_renew(auth=auth, actor=request.user, **payload.validated_data), 201)

    @extend_schema(methods=["GET"], request=None, responses={200: UseSerializer(many=True)})
    @extend_schema(methods=["POST"], request=UseSerializer, responses={201: UseSerializer})
    @action(detail=True, methods=["get", "post"])
    def uses(self, request: Request, pk: str | None = None) -> Response:
        auth = self.get_object()
        if request.method == "GET":
            return Response(UseSerializer(auth.uses.select_related("member"), many=True).data)
        payload = UseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.use_log_record(auth=auth, actor=request.user, data=dict(payload.validated_data))
        return Response(UseSerializer(entry).data, status=status.HTTP_201_CREATED)


# --- background and internal investigation reviews (E1: HPPD IV, V; 820 ILCS 55/10) ------------------
# No field here is, or could carry, a password or login of a member or candidate. Writes hand the whole
# request body to the service, which refuses any credential-like key or value — unknown extras included —
# with 400 before anything is written.


class BackgroundReviewEntrySerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    validation_method = serializers.ChoiceField(
        choices=ValidationMethod.choices, help_text="How it was validated (HPPD V.B)."
    )
    public_domain = serializers.BooleanField(
        help_text="Attest: viewed as any member of the public could, without a password, login, friend "
        "request or another person's account (HPPD IV.A, V.A). Must be true."
    )
    viewed_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")

    class Meta:
        model = ReviewEntry
        fields = [
            "id",
            "url",
            "platform",
            "description",
            "viewed_at",
            "validation_method",
            "validation_note",
            "public_domain",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class BackgroundReviewSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    subject_member = serializers.SlugRelatedField(
        slug_field="username",
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        help_text="Internal investigation: the member's portal username (never their social media login).",
    )
    candidate_name = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=200,
        help_text="Background investigation: the job candidate.",
    )
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    entries = BackgroundReviewEntrySerializer(many=True, read_only=True)

    class Meta:
        model = BackgroundReview
        fields = [
            "id",
            "kind",
            "subject_member",
            "candidate_name",
            "case_number",
            "reviewer",
            "opened_at",
            "status",
            "closed_at",
            "conclusion",
            "entries",
        ]
        read_only_fields = ["opened_at", "status", "closed_at", "conclusion"]


class BackgroundReviewCloseSerializer(serializers.Serializer):
    conclusion = serializers.CharField(max_length=5000)


class BackgroundReviewViewSet(viewsets.GenericViewSet):
    """Reviews of public-domain social media content of members under internal investigation and of job
    candidates (policy-map E1; HPPD IV, V; 820 ILCS 55/10). Visible to the reviewer, internal affairs and
    auditors — never to the member under review; everyone else gets 404."""

    serializer_class = BackgroundReviewSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return background_reviews_visible(self.request.user)

    def get_object(self) -> BackgroundReview:
        return background_review_for_read(self.request.user, self.kwargs["pk"])

    def _out(self, review: BackgroundReview, code: int = status.HTTP_200_OK) -> Response:
        return Response(BackgroundReviewSerializer(self.get_queryset().get(pk=review.pk)).data, status=code)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset().order_by("-opened_at", "-pk"))
        return self.get_paginated_response(BackgroundReviewSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(BackgroundReviewSerializer(self.get_object()).data)

    @extend_schema(request=BackgroundReviewSerializer, responses={201: BackgroundReviewSerializer})
    def create(self, request: Request) -> Response:
        return self._out(services.background_review_open(actor=request.user, data=request.data), 201)

    @extend_schema(request=BackgroundReviewEntrySerializer, responses={201: BackgroundReviewEntrySerializer})
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        entry = services.background_review_add_entry(review=review, actor=request.user, data=request.data)
        return Response(BackgroundReviewEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BackgroundReviewCloseSerializer, responses={200: BackgroundReviewSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        review = self.get_object()
        return self._out(
            services.background_review_close(review=review, actor=request.user, data=request.data)
        )
