"""API for posts (/api/v1/posts/) and comment moderation (/api/v1/comments/). Thin: services decide."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api import DecisionSerializer, ReasonsSerializer
from accounts.models import SocialAccount
from policy_portal.api_errors import BoundedJSONParser
from policy_portal.errors import InvalidInput

from . import services
from .models import (
    Disposition,
    Finding,
    MediaLicence,
    ModeratedComment,
    ModerationAction,
    Post,
    PostMedia,
    ViolationReport,
    WrittenPermission,
)
from .selectors import posts_for_queue, traffic_light


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["detector", "clause", "severity", "start", "end", "excerpt", "message", "post_version"]


class MediaSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostMedia
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "source",
            "licence",
            "licence_detail",
        ]


class PostSerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(queryset=SocialAccount.objects.all())
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    deadline_status = serializers.SerializerMethodField()
    media = MediaSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "account",
            "author",
            "body",
            "category",
            "scheduled_for",
            "status",
            "version",
            "likely_media_inquiry",
            "submitted_at",
            "approval_due_at",
            "deadline_status",
            "escalation_level",
            "decided_by",
            "decided_at",
            "decision_note",
            "acknowledged_warnings",
            "published_at",
            "platform_post_id",
            "platform_url",
            "media",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            f
            for f in fields
            if f not in {"account", "body", "category", "scheduled_for", "likely_media_inquiry"}
        ]

    def get_deadline_status(self, obj: Post) -> str:
        return traffic_light(obj, profile=self.context.get("profile"))


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    acknowledged_warnings = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class PostReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class PublishSerializer(serializers.Serializer):
    platform_post_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    platform_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False)


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    source = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    licence = serializers.ChoiceField(
        choices=MediaLicence.choices, allow_blank=True, required=False, default=""
    )
    licence_detail = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")


class PostViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Posts and their approval workflow (policy-map B1–B5)."""

    serializer_class = PostSerializer
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params if self.action == "list" else {}
        keys = ("account", "category", "status", "deadline")
        return posts_for_queue(self.request.user, {k: params.get(k, "") for k in keys}).prefetch_related(
            "media"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        from accounts.models import PolicyProfile

        return {**super().get_serializer_context(), "profile": PolicyProfile.objects.current()}

    def _out(self, post: Post, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=post.pk)
        return Response(PostSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = PostSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        account = data.pop("account")
        if not SocialAccount.objects.visible_to(request.user).filter(pk=account.pk).exists():
            raise InvalidInput.for_field("account", "No such account.")
        post = services.post_create(actor=request.user, account=account, data=data)
        return self._out(post, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        payload = PostSerializer(post, data=request.data, partial=True, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "account" in data and data.pop("account").pk != post.account_id:
            raise InvalidInput.for_field("account", "A post cannot move to another account.")
        return self._out(services.post_update(post=post, actor=request.user, data=data))

    @extend_schema(request=None, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._out(services.post_submit(post=self.get_object(), actor=request.user))

    @extend_schema(request=ApproveSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        payload = ApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.post_approve(post=post, actor=request.user, **payload.validated_data))

    @extend_schema(request=PostReasonSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        payload = PostReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(
            services.post_request_changes(post=post, actor=request.user, **payload.validated_data)
        )

    @extend_schema(request=PostReasonSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        payload = PostReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.post_reject(post=post, actor=request.user, **payload.validated_data))

    @extend_schema(request=WithdrawSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        payload = WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.post_withdraw(post=post, actor=request.user, **payload.validated_data))

    @extend_schema(request=PublishSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        payload = PublishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.post_publish(post=post, actor=request.user, **payload.validated_data))

    @extend_schema(request=None, responses={200: FindingSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def checks(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        return Response(FindingSerializer(post.findings.all(), many=True).data)

    @extend_schema(request=MediaUploadSerializer, responses={201: MediaSerializer})
    @action(detail=True, methods=["post"])
    def media(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        payload = MediaUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        media = services.post_add_media(
            post=post,
            actor=request.user,
            upload=data["file"],
            source=data["source"],
            licence=data["licence"],
            licence_detail=data["licence_detail"],
        )
        return Response(MediaSerializer(media).data, status=status.HTTP_201_CREATED)


class CommentSerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(queryset=SocialAccount.objects.all())
    post = serializers.IntegerField(source="post_id", required=False, allow_null=True, min_value=1)
    moderated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    action = serializers.ChoiceField(choices=ModerationAction.choices)

    class Meta:
        model = ModeratedComment
        fields = [
            "id",
            "account",
            "post",
            "platform_comment_id",
            "author_handle",
            "original_text",
            "commented_at",
            "action",
            "ground",
            "ground_label",
            "note",
            "moderated_by",
            "moderated_at",
        ]
        read_only_fields = ["ground_label", "moderated_by", "moderated_at"]
        validators: list[Any] = []  # uniqueness is the service's call, reported on platform_comment_id


class BarSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    author_handle = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=2000)


class CommentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Moderated comments (B6): preserved, never deleted — there is no delete endpoint."""

    serializer_class = CommentSerializer
    filterset_fields = ["account", "author_handle", "ground"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            ModeratedComment.objects.visible_to(self.request.user)
            .select_related("moderated_by")
            .order_by("-moderated_at", "-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        account = data.pop("account")
        comment = services.comment_record(actor=request.user, account=account, data=data)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BarSerializer, responses={201: None})
    @action(detail=False, methods=["post"])
    def bar(self, request: Request) -> Response:
        payload = BarSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        account = get_object_or_404(
            SocialAccount.objects.visible_to(request.user), pk=payload.validated_data["account"]
        )
        bar = services.commenter_bar(
            actor=request.user,
            account=account,
            handle=payload.validated_data["author_handle"],
            reason=payload.validated_data["reason"],
        )
        return Response(
            {"author_handle": bar.author_handle, "violations": bar.violations, "barred_at": bar.barred_at},
            status=status.HTTP_201_CREATED,
        )


# --- written permissions (B7) ----------------------------------------------------------------------


class WrittenPermissionSerializer(serializers.ModelSerializer):
    requester = serializers.SlugRelatedField(slug_field="username", read_only=True)
    subject_member = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    display_status = serializers.CharField(read_only=True)

    class Meta:
        model = WrittenPermission
        fields = [
            "id",
            "kind",
            "kind_label",
            "clause",
            "approver_rule",
            "requester",
            "subject_member",
            "description",
            "where",
            "requested_at",
            "status",
            "display_status",
            "decided_by",
            "decided_at",
            "authority",
            "reasons",
            "expires_on",
        ]
        read_only_fields = fields


class PermissionRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=60)
    description = serializers.CharField()
    where = serializers.CharField(max_length=200, required=False, allow_blank=True)
    subject_member = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="Username of the member concerned."
    )


class PermissionDecisionSerializer(DecisionSerializer):
    expires_on = serializers.DateField(required=False, allow_null=True)


class WrittenPermissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """B7 register (CPD III.D.1–4, BPD Personal use 3–4, HPPD III.A.5). Invisible rows are 404."""

    serializer_class = WrittenPermissionSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return WrittenPermission.objects.visible_to(self.request.user).select_related(
            "requester", "subject_member", "decided_by"
        )

    def _out(self, perm: WrittenPermission, code: int = status.HTTP_200_OK) -> Response:
        return Response(WrittenPermissionSerializer(self.get_queryset().get(pk=perm.pk)).data, status=code)

    @extend_schema(request=PermissionRequestSerializer, responses={201: WrittenPermissionSerializer})
    def create(self, request: Request) -> Response:
        payload = PermissionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        perm = services.permission_request(actor=request.user, data=dict(payload.validated_data))
        return self._out(perm, status.HTTP_201_CREATED)

    @extend_schema(request=PermissionDecisionSerializer, responses={200: WrittenPermissionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        perm = self.get_object()
        payload = PermissionDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return self._out(
            services.permission_decide(
                permission=perm,
                actor=request.user,
                grant=data["decision"] == "grant",
                reasons=data["reasons"],
                expires_on=data.get("expires_on"),
            )
        )

    @extend_schema(request=ReasonsSerializer, responses={200: WrittenPermissionSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        perm = self.get_object()
        payload = ReasonsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(
            services.permission_end(
                permission=perm, actor=request.user, reasons=payload.validated_data["reasons"]
            )
        )


# --- violation reports (B8) ------------------------------------------------------------------------


class ViolationReportSerializer(serializers.ModelSerializer):
    reporter = serializers.SlugRelatedField(slug_field="username", read_only=True)
    routed_to = serializers.SlugRelatedField(slug_field="username", read_only=True)
    subject_member = serializers.SlugRelatedField(slug_field="username", read_only=True)
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    has_capture = serializers.SerializerMethodField()

    class Meta:
        model = ViolationReport
        fields = [
            "id",
            "reporter",
            "posting_url",
            "has_capture",
            "capture_name",
            "capture_sha256",
            "description",
            "observed_at",
            "subject_member",
            "reported_at",
            "routed_to",
            "status",
            "reviewed_at",
            "disposition",
            "disposition_note",
            "closed_by",
            "closed_at",
        ]
        read_only_fields = fields

    def get_has_capture(self, obj: ViolationReport) -> bool:
        return bool(obj.capture)


class ViolationReportCreateSerializer(serializers.Serializer):
    posting_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    capture = serializers.FileField(required=False, allow_null=True)
    description = serializers.CharField()
    observed_at = serializers.DateTimeField(required=False, allow_null=True)
    subject_member = serializers.CharField(max_length=150, required=False, allow_blank=True)


class ViolationCloseSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    disposition_note = serializers.CharField()


class ViolationReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """B8 (BPD Reporting violations, HPPD II.I): visible only to the reporter, the chain of command it was
    routed to and internal affairs; everyone else gets 404."""

    serializer_class = ViolationReportSerializer
    filterset_fields = ["status"]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return ViolationReport.objects.visible_to(self.request.user).select_related(
            "reporter", "routed_to", "subject_member", "closed_by"
        )

    def _out(self, report: ViolationReport, code: int = status.HTTP_200_OK) -> Response:
        return Response(ViolationReportSerializer(self.get_queryset().get(pk=report.pk)).data, status=code)

    @extend_schema(request=ViolationReportCreateSerializer, responses={201: ViolationReportSerializer})
    def create(self, request: Request) -> Response:
        payload = ViolationReportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        capture = data.pop("capture", None)
        report = services.violation_report(actor=request.user, data=data, capture=capture)
        return self._out(report, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ViolationReportSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        return self._out(services.violation_review(report=self.get_object(), actor=request.user))

    @extend_schema(request=ViolationCloseSerializer, responses={200: ViolationReportSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        payload = ViolationCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        return self._out(
            services.violation_close(
                report=report,
                actor=request.user,
                disposition=data["disposition"],
                note=data["disposition_note"],
            )
        )
