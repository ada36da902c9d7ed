"""/api/v1/alias-authorizations/ and its use log. Every object outside need-to-know is 404 (C8)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import DepartmentDevice

from . import services
from .models import AliasAuthorization, EngagementLevel, PlannedActivity, UseBasis, UseLogEntry
from .selectors import authorization_for_read, authorizations_listed


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
