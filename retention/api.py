"""Records, schedules, holds and FOIA requests for records officers; everyone else gets 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Member, SocialAccount
from policy_portal.errors import InvalidInput

from . import services
from .models import (
    ArchivedRecord,
    DisposalBatch,
    ExportPackage,
    ExtensionReason,
    FoiaRequest,
    FoiaType,
    LegalHold,
    RecordSeries,
    ResponseType,
    Withholding,
)
from .selectors import foia_light


class RecordSerializer(serializers.ModelSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ArchivedRecord
        fields = [
            "id",
            "series",
            "kind",
            "source_type",
            "source_id",
            "version",
            "title",
            "content",
            "content_sha256",
            "account",
            "captured_at",
            "trigger_date",
            "purged_at",
        ]


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordSeries
        fields = [
            "id",
            "code",
            "title",
            "schedule_number",
            "item_number",
            "trigger",
            "retention_days",
            "disposition",
        ]


class VisibleRecordField(serializers.PrimaryKeyRelatedField):
    """A record id resolved against the caller's archive view: a hidden record (investigations, C8)
    gets the same "does not exist" answer as a missing one."""

    def get_queryset(self):  # type: ignore[no-untyped-def]
        request = self.context.get("request")
        return ArchivedRecord.objects.visible_to(request.user if request else None)


class HoldSerializer(serializers.ModelSerializer):
    account = serializers.PrimaryKeyRelatedField(
        queryset=SocialAccount.objects.all(), required=False, allow_null=True
    )
    series = serializers.PrimaryKeyRelatedField(
        queryset=RecordSeries.objects.all(), required=False, allow_null=True
    )
    records = VisibleRecordField(many=True, required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "matter",
            "account",
            "series",
            "date_from",
            "date_to",
            "search",
            "records",
            "foia_request",
            "created_by",
            "created_at",
            "released_at",
            "release_reason",
        ]
        read_only_fields = ["foia_request", "created_at", "released_at", "release_reason"]


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class WithholdingSerializer(serializers.ModelSerializer):
    record = VisibleRecordField(required=False, allow_null=True)

    class Meta:
        model = Withholding
        fields = ["id", "record", "whole_item", "span_start", "span_end", "exemption", "basis", "created_at"]
        read_only_fields = ["created_at"]


class FoiaSerializer(serializers.ModelSerializer):
    assigned_officer = serializers.SlugRelatedField(
        slug_field="username", queryset=Member.objects.all(), required=False
    )
    request_type = serializers.ChoiceField(choices=FoiaType.choices)
    received_at = serializers.DateTimeField(required=False)
    business_days_left = serializers.SerializerMethodField()
    withholdings = WithholdingSerializer(many=True, read_only=True)

    class Meta:
        model = FoiaRequest
        fields = [
            "id",
            "requester_name",
            "requester_contact",
            "description",
            "received_at",
            "request_type",
            "assigned_officer",
            "due_date",
            "original_due_date",
            "extension_reason",
            "status",
            "response_type",
            "response_basis",
            "responded_at",
            "business_days_left",
            "withholdings",
        ]
        read_only_fields = [
            "due_date",
            "original_due_date",
            "extension_reason",
            "status",
            "response_type",
            "response_basis",
            "responded_at",
        ]

    def get_business_days_left(self, obj: FoiaRequest) -> int | None:
        light, left = foia_light(obj, closures=self.context.get("closures"))
        return left if light else None


class ExtendSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ExtensionReason.choices)


class RespondSerializer(serializers.Serializer):
    response_type = serializers.ChoiceField(choices=ResponseType.choices)
    basis = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class NarrowSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=4000)


class ResponsiveSerializer(serializers.Serializer):
    records = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The archive (D1): immutable records; ``?q=`` searches their text."""

    serializer_class = RecordSerializer
    filterset_fields = ["kind", "account", "series"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return services.archive_search(self.request.user, self.request.query_params.get("q", ""))


class RecordSeriesViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SeriesSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        from .models import _records_staff

        return (
            RecordSeries.objects.all() if _records_staff(self.request.user) else RecordSeries.objects.none()
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        series = services.schedule_save(actor=request.user, data=request.data)
        return Response(SeriesSerializer(series).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        series = services.schedule_save(actor=request.user, data=request.data, series=self.get_object())
        return Response(SeriesSerializer(series).data)


class LegalHoldViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Legal holds (D2): nothing in scope is disposed of until release."""

    serializer_class = HoldSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            LegalHold.objects.visible_to(self.request.user)
            .select_related("created_by")
            .prefetch_related("records")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = HoldSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        records = data.pop("records", [])
        hold = services.hold_create(actor=request.user, data=data, records=records)
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReleaseSerializer, responses={200: HoldSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        hold = self.get_object()
        payload = ReleaseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response(
            HoldSerializer(
                services.hold_release(hold=hold, actor=request.user, **payload.validated_data)
            ).data
        )


class FoiaRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """FOIA requests on the statutory clock (D3; 5 ILCS 140)."""

    serializer_class = FoiaSerializer
    filterset_fields = ["status", "request_type"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            FoiaRequest.objects.visible_to(self.request.user)
            .select_related("assigned_officer")
            .prefetch_related("withholdings")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "closures": services.closures()}

    def _out(self, req: FoiaRequest, code: int = 200) -> Response:
        return Response(
            FoiaSerializer(self.get_queryset().get(pk=req.pk), context=self.get_serializer_context()).data,
            status=code,
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = FoiaSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.foia_log(actor=request.user, data=dict(payload.validated_data)), 201)

    @extend_schema(request=ExtendSerializer, responses={200: FoiaSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        payload = ExtendSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.foia_extend(req=req, actor=request.user, **payload.validated_data))

    @extend_schema(request=None, responses={200: FoiaSerializer})
    @action(detail=True, methods=["post"], url_path="voluminous-notice")
    def voluminous_notice(self, request: Request, pk: str | None = None) -> Response:
        return self._out(services.foia_voluminous_notice(req=self.get_object(), actor=request.user))

    @extend_schema(request=NarrowSerializer, responses={200: FoiaSerializer})
    @action(detail=True, methods=["post"])
    def narrowed(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        payload = NarrowSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.foia_narrowed(req=req, actor=request.user, **payload.validated_data))

    @extend_schema(request=RespondSerializer, responses={200: FoiaSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        payload = RespondSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(services.foia_respond(req=req, actor=request.user, **payload.validated_data))

    @extend_schema(request=None, responses={200: FoiaSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._out(services.foia_close(req=self.get_object(), actor=request.user))

    @extend_schema(request=ResponsiveSerializer, responses={200: FoiaSerializer})
    @action(detail=True, methods=["post"])
    def responsive(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        payload = ResponsiveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ids = payload.validated_data["records"]
        records = list(ArchivedRecord.objects.visible_to(request.user).filter(pk__in=ids))
        if len(records) != len(set(ids)):
            raise InvalidInput.for_field("records", "Some records do not exist.")
        services.foia_add_responsive(req=req, actor=request.user, records=records)
        return self._out(req)

    @extend_schema(request=WithholdingSerializer, responses={201: WithholdingSerializer})
    @action(detail=True, methods=["post"])
    def withholdings(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        payload = WithholdingSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        record = data.pop("record", None)
        w = services.withholding_add(req=req, actor=request.user, record=record, **data)
        return Response(WithholdingSerializer(w).data, status=status.HTTP_201_CREATED)


class ExportSerializer(serializers.ModelSerializer):
    records = VisibleRecordField(many=True)
    foia_request = serializers.PrimaryKeyRelatedField(queryset=FoiaRequest.objects.all())

    class Meta:
        model = ExportPackage
        fields = [
            "id",
            "foia_request",
            "records",
            "status",
            "progress",
            "sha256",
            "size",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = ["status", "progress", "sha256", "size", "error", "created_at", "finished_at"]


class ExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Export packages (D4): create with ``foia_request`` and ``records``; poll ``status``/``progress``."""

    serializer_class = ExportSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return ExportPackage.objects.visible_to(self.request.user).prefetch_related("records")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from .exports import export_create

        payload = ExportSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        req = payload.validated_data["foia_request"]
        if not FoiaRequest.objects.visible_to(request.user).filter(pk=req.pk).exists():
            raise InvalidInput.for_field("foia_request", "No such request.")
        package = export_create(actor=request.user, req=req, records=payload.validated_data["records"])
        return Response(ExportSerializer(package).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={(200, "application/zip"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None):  # type: ignore[no-untyped-def]
        from .exports import export_file_response

        return export_file_response(package=self.get_object(), actor=request.user)


class DisposalBatchSerializer(serializers.ModelSerializer):
    series = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = DisposalBatch
        fields = [
            "id",
            "series",
            "status",
            "proposed_at",
            "certificate_number",
            "certificate",
            "submitted_on",
            "approved_on",
            "approved_copy_sha256",
            "executed_at",
            "items",
        ]

    def get_items(self, obj: DisposalBatch) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in obj.items.all():
            counts[item.outcome] = counts.get(item.outcome, 0) + 1
        return counts


class SubmitSerializer(serializers.Serializer):
    submitted_on = serializers.DateField(required=False)


class ApproveCopySerializer(serializers.Serializer):
    approved_copy = serializers.FileField()
    approved_on = serializers.DateField(required=False)


class DisposalBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Disposal batches (D2): certificate, submission, approved copy, execution."""

    serializer_class = DisposalBatchSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            DisposalBatch.objects.visible_to(self.request.user)
            .select_related("series")
            .prefetch_related("items")
        )

    def _out(self, batch: DisposalBatch) -> Response:
        return Response(DisposalBatchSerializer(self.get_queryset().get(pk=batch.pk)).data)

    @extend_schema(request=None, responses={200: DisposalBatchSerializer})
    @action(detail=True, methods=["post"])
    def certificate(self, request: Request, pk: str | None = None) -> Response:
        from .disposal import disposal_certify

        return self._out(disposal_certify(batch=self.get_object(), actor=request.user))

    @extend_schema(request=SubmitSerializer, responses={200: DisposalBatchSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        from .disposal import disposal_submit

        batch = self.get_object()
        payload = SubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(disposal_submit(batch=batch, actor=request.user, **payload.validated_data))

    @extend_schema(request=ApproveCopySerializer, responses={200: DisposalBatchSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        from .disposal import disposal_approve

        batch = self.get_object()
        payload = ApproveCopySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._out(disposal_approve(batch=batch, actor=request.user, **payload.validated_data))

    @extend_schema(request=None, responses={200: DisposalBatchSerializer})
    @action(detail=True, methods=["post"])
    def execute(self, request: Request, pk: str | None = None) -> Response:
        from .disposal import disposal_execute

        return self._out(disposal_execute(batch=self.get_object(), actor=request.user))
