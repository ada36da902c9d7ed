"""API for department accounts (/api/v1/accounts/) and token sign-in. Thin: every write is a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_record
from policy_portal.errors import InvalidInput

from . import services
from .models import (
    AccessAuthorization,
    ChecklistItem,
    DepartmentDevice,
    DirectiveAcknowledgement,
    DirectiveVersion,
    Member,
    Platform,
    PolicyProfile,
    SocialAccount,
    Unit,
)
from .selectors import account_administrators_map, acknowledgement_status, current_directive


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["code", "label", "clause", "required", "done", "completed_at", "evidence"]


class SocialAccountSerializer(serializers.ModelSerializer):
    administrators = serializers.SerializerMethodField()
    checklist = ChecklistItemSerializer(source="checklist_items", many=True, read_only=True)
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SocialAccount
        fields = [
            "id",
            "platform",
            "handle",
            "url",
            "purpose_statement",
            "contact_info",
            "official_website_url",
            "status",
            "status_reason",
            "proposed_by",
            "proposed_at",
            "approved_by",
            "approved_at",
            "approval_authority",
            "activated_at",
            "administrators",
            "checklist",
        ]
        read_only_fields = fields

    def get_administrators(self, obj: SocialAccount) -> list[str]:
        admins = self.context.get("admins_map", {}).get(obj.pk)
        if admins is None:
            admins = account_administrators_map([obj]).get(obj.pk, [])
        return [m.username for m in admins]


class SocialAccountCreateSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField(max_length=100)
    url = serializers.URLField()
    purpose_statement = serializers.CharField()
    contact_info = serializers.CharField(max_length=300)
    official_website_url = serializers.URLField()
    administrators = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        help_text="Usernames of the designated administrators (default: you).",
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ChecklistUpdateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=60)
    done = serializers.BooleanField()
    evidence = serializers.CharField(max_length=500, required=False, allow_blank=True)


class MemberRefSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=150)


def _member(username: str, field: str) -> Member:
    member = Member.objects.filter(username=username, is_active=True).first()
    if member is None:
        raise InvalidInput.for_field(field, f"No active member {username!r}.")
    return member


class SocialAccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Department social media accounts (policy-map A1–A4)."""

    serializer_class = SocialAccountSerializer
    filterset_fields = ["status", "platform"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            SocialAccount.objects.visible_to(self.request.user)
            .select_related("proposed_by", "approved_by")
            .prefetch_related("checklist_items")
            .order_by("platform", "handle")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = SocialAccountSerializer(
            page,
            many=True,
            context={**self.get_serializer_context(), "admins_map": account_administrators_map(page)},
        )
        return self.get_paginated_response(serializer.data)

    def _out(self, account: SocialAccount, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=account.pk)
        return Response(
            SocialAccountSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=SocialAccountCreateSerializer, responses={201: SocialAccountSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = SocialAccountCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        usernames = data.pop("administrators", None)
        admins = [_member(u, "administrators") for u in usernames] if usernames is not None else None
        account = services.account_register(actor=request.user, data=data, administrators=admins)
        return self._out(account, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SocialAccountSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._out(services.account_approve(account=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={200: SocialAccountSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        return self._out(services.account_activate(account=self.get_object(), actor=request.user))

    @extend_schema(request=ReasonSerializer, responses={200: SocialAccountSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(
            services.account_suspend(account=account, actor=request.user, **payload.validated_data)
        )

    @extend_schema(request=ReasonSerializer, responses={200: SocialAccountSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(
            services.account_retire(account=account, actor=request.user, **payload.validated_data)
        )

    @extend_schema(request=ChecklistUpdateSerializer, responses={200: SocialAccountSerializer})
    @action(detail=True, methods=["post"])
    def checklist(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = ChecklistUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.account_checklist_set(account=account, actor=request.user, **payload.validated_data)
        return self._out(account)

    @extend_schema(request=MemberRefSerializer, responses={200: SocialAccountSerializer})
    @action(detail=True, methods=["post"], url_path="administrators")
    def add_administrator(self, request: Request, pk: str | None = None) -> Response:
        account = self.get_object()
        payload = MemberRefSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = _member(payload.validated_data["member"], "member")
        services.account_grant_administrator(account=account, actor=request.user, member=member)
        return self._out(account)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class ObtainTokenView(APIView):
    """POST username/password → ``{"token": ...}``. Goes through django-axes, so five failures lock
    the member out until an administrator releases them (CJIS AC-7)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if "\x00" in payload.validated_data["username"]:
            raise InvalidInput.for_field("username", "Invalid characters.")
        user = authenticate(request._request, **payload.validated_data)
        if user is None or not user.is_active:
            return Response(
                {
                    "code": "invalid_credentials",
                    "message": "Unable to sign in with those credentials.",
                    "fields": {},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=user)
        audit_record(action="auth.token_issued", actor=user, obj=user)
        return Response({"token": token.key})


# --- directive versions and acknowledgements (issue #6) ---------------------------------------------


class DirectiveVersionSerializer(serializers.ModelSerializer):
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    acknowledged_at = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = DirectiveVersion
        fields = [
            "id",
            "version",
            "title",
            "summary",
            "text",
            "text_sha256",
            "effective_on",
            "issued_at",
            "issued_by",
            "is_current",
            "acknowledged_at",
        ]
        read_only_fields = fields

    def get_acknowledged_at(self, obj: DirectiveVersion) -> str | None:
        acks = self.context.get("acks", {})
        value = acks.get(obj.pk)
        return value.isoformat() if value else None

    def get_is_current(self, obj: DirectiveVersion) -> bool:
        return obj.pk == self.context.get("current_id")


class DirectiveIssueSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    summary = serializers.CharField()
    text = serializers.CharField()
    effective_on = serializers.DateField()


class AcknowledgementStatusSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    unit = serializers.CharField(source="unit.name", default=None)
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class DirectiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The department directive, version by version. Every member reads; the profile's issuing position
    issues; each member acknowledges the current version (issue #6)."""

    serializer_class = DirectiveVersionSerializer
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation: no profile to ask
            return DirectiveVersion.objects.none()
        return DirectiveVersion.objects.filter(profile=PolicyProfile.objects.current()).select_related(
            "issued_by"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        user = self.request.user
        context["acks"] = (
            dict(
                DirectiveAcknowledgement.objects.filter(member=user).values_list(
                    "version_id", "acknowledged_at"
                )
            )
            if user.is_authenticated
            else {}
        )
        current = current_directive()
        context["current_id"] = current.pk if current else None
        return context

    @extend_schema(request=DirectiveIssueSerializer, responses={201: DirectiveVersionSerializer})
    def create(self, request: Request) -> Response:
        payload = DirectiveIssueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = services.directive_issue(actor=request.user, data=dict(payload.validated_data))
        return Response(
            DirectiveVersionSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: DirectiveVersionSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        services.directive_acknowledge(member=request.user, version=self.get_object())
        version = self.get_queryset().get(pk=pk)
        return Response(DirectiveVersionSerializer(version, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: AcknowledgementStatusSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="current/status")
    def status_of_current(self, request: Request) -> Response:
        """Supervisors: their unit and reports; command staff and auditors: everyone (E2 still applies)."""
        version = current_directive()
        members = acknowledgement_status(request.user, version) if version else []
        return Response(AcknowledgementStatusSerializer(members, many=True).data)


# --- device and access authorizations (A5) ---------------------------------------------------------


class AccessAuthorizationSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(slug_field="username", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = AccessAuthorization
        fields = [
            "id",
            "kind",
            "kind_label",
            "clause",
            "member",
            "unit",
            "device",
            "personal_device",
            "purpose",
            "valid_from",
            "expires_on",
            "status",
            "is_current",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "authority",
            "reasons",
        ]
        read_only_fields = fields

    def get_is_current(self, obj: AccessAuthorization) -> bool:
        return obj.is_current()


class AccessRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=40)
    purpose = serializers.CharField()
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text="Job assignment (supervisors): every member of this unit.",
    )
    device = serializers.SlugRelatedField(
        slug_field="asset_tag",
        queryset=DepartmentDevice.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    personal_device = serializers.CharField(max_length=200, required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField()


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["grant", "refuse"])
    reasons = serializers.CharField()


class ReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField()


class AccessAuthorizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A5 register (CPD III.C.2, BPD Sanctioned use 4.a–b, HPPD I.E). Invisible rows are 404."""

    serializer_class = AccessAuthorizationSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return AccessAuthorization.objects.visible_to(self.request.user).select_related(
            "member", "unit", "device", "requested_by", "decided_by"
        )

    def _out(self, auth: AccessAuthorization, code: int = status.HTTP_200_OK) -> Response:
        return Response(AccessAuthorizationSerializer(self.get_queryset().get(pk=auth.pk)).data, status=code)

    @extend_schema(request=AccessRequestSerializer, responses={201: AccessAuthorizationSerializer})
    def create(self, request: Request) -> Response:
        payload = AccessRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        auth = services.access_request(actor=request.user, data=dict(payload.validated_data))
        return self._out(auth, status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses={200: AccessAuthorizationSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        auth = self.get_object()
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return self._out(
            services.access_decide(
                authorization=auth,
                actor=request.user,
                grant=data["decision"] == "grant",
                reasons=data["reasons"],
            )
        )

    @extend_schema(request=ReasonsSerializer, responses={200: AccessAuthorizationSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        auth = self.get_object()
        payload = ReasonsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(
            services.access_end(
                authorization=auth, actor=request.user, reasons=payload.validated_data["reasons"]
            )
        )


class DirectoryMemberSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "username", "first_name", "last_name", "rank", "unit"]
        read_only_fields = fields


class MemberDirectoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """E2 (BPD Personal use 4.b, HPPD III.A.10): undercover members are absent for those without need
    to know — absent from the list and 404 by id."""

    serializer_class = DirectoryMemberSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            Member.objects.directory_for(self.request.user).select_related("unit").order_by("last_name", "id")
        )
