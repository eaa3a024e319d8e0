"""REST API for documents (the contract is in the documents issue; add freely)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from dms.accounts.models import Department
from dms.audit import trail
from dms.audit.models import AuditEntry, Outcome
from dms.documents import events, ingest, permissions
from dms.documents.models import Document, Source, Status, Version
from dms.documents.serializers import (
    DocumentDetailSerializer,
    DocumentListSerializer,
    DocumentUpdateSerializer,
    UploadSerializer,
    VersionSerializer,
)
from dms.documents.tasks import process_version
from dms.documents.uploads import StreamingMultiPartParser
from dms.errors import ApiError, NotFoundError
from dms.storage import get_object_store

FILTERS = {
    "department": "department__code",
    "document_type": "document_type__code",
    "status": "status",
    "fiscal_year": "fiscal_year",
    "created_after": "created_on__gte",
    "created_before": "created_on__lte",
    "date_after": "document_date__gte",
    "date_before": "document_date__lte",
    "amount_min": "amount__gte",
    "amount_max": "amount__lte",
    "counterparty": "counterparty__icontains",
}
ORDERINGS = {
    "created_at",
    "-created_at",
    "created_on",
    "-created_on",
    "document_date",
    "-document_date",
    "title",
    "-title",
    "amount",
    "-amount",
}


def _body(code: str, message: str, message_en: str) -> dict:
    return {"code": code, "message": message, "message_en": message_en}


def _error(code: str, message: str, message_en: str, http_status: int) -> Response:
    return Response(ApiError(code, message, message_en).as_body(), status=http_status)


def _duplicates(user, document) -> list[int]:
    """Other documents with the same bytes — only those this user may see."""
    if getattr(document, "has_known_content", True) is False:
        return []  # its bytes were new when it was recorded
    latest = document.latest_version
    if latest is None:
        return []
    return list(
        Document.objects.visible_to(user)
        .filter(versions__blob_id=latest.blob_id)
        .exclude(pk=document.pk)
        .values_list("pk", flat=True)
        .distinct()
    )


def _with_versions(document: Document) -> Document:
    """Load the versions a detail response shows in one query (with blob and creator)."""
    prefetch_related_objects(
        [document],
        Prefetch("versions", queryset=Version.objects.select_related("blob", "created_by")),
    )
    return document


class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    parser_classes = [JSONParser, StreamingMultiPartParser]

    def get_queryset(self):
        documents = Document.objects.visible_to(self.request.user).select_related(
            "department", "document_type"
        )
        if not (
            self.request.user.sees_everything and self.request.query_params.get("include_deleted")
        ):
            documents = documents.live()
        return documents

    def get_serializer_class(self):
        return DocumentListSerializer if self.action == "list" else DocumentDetailSerializer

    def get_object(self):
        """The document, or 404 — also when it exists but is not visible (recorded)."""
        pk = self.kwargs["pk"]
        document = self.get_queryset().filter(pk=pk).first()
        if document is None:
            hidden = Document.objects.filter(pk=pk).first() if str(pk).isdigit() else None
            if hidden is not None:
                trail.record(
                    actor=self.request.user,
                    action=self.action or "view",
                    target=hidden,
                    request=self.request,
                    outcome=Outcome.REFUSED,
                    details={"reason": "not visible"},
                )
            raise NotFoundError("文書が見つかりません。", "Document not found.")
        return document

    # --- list and filters ---------------------------------------------------------------
    @extend_schema(parameters=[OpenApiParameter(name, str) for name in [*FILTERS, "ordering"]])
    def list(self, request, *args, **kwargs):
        documents = self.get_queryset()
        try:
            if ids := request.query_params.get("ids"):  # the upload page polls its files
                documents = documents.filter(pk__in=[int(i) for i in ids.split(",")[:100]])
            for param, lookup in FILTERS.items():
                if value := request.query_params.get(param):
                    documents = documents.filter(**{lookup: value})
            ordering = request.query_params.get("ordering", "-created_at")
            if ordering not in ORDERINGS:
                raise ValidationError({"ordering": _("並べ替えの指定が不正です。")})
            documents = documents.order_by(ordering, "-id")
            page = self.paginate_queryset(documents)
        except (ValueError, TypeError, DjangoValidationError) as exc:
            # e.g. ids=abc, or a malformed date that the model field refuses
            raise ValidationError({"filters": _("検索条件の値が不正です。")}) from exc
        return self.get_paginated_response(DocumentListSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        trail.record(actor=request.user, action="view", target=document, request=request)
        body = DocumentDetailSerializer(_with_versions(document), context={"request": request}).data
        body["duplicates"] = _duplicates(request.user, document)
        return Response(body)

    # --- upload -----------------------------------------------------------------------
    def _upload_target(self, request):
        options = UploadSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        wanted = options.validated_data.get("department")
        if wanted:
            lookup = {"pk": wanted} if str(wanted).isdigit() else {"code": wanted}
            department = Department.objects.filter(**lookup).first()
        else:
            mine = list(request.user.departments.all()[:2])
            department = mine[0] if len(mine) == 1 else None
            if department is None:
                raise ValidationError({"department": _("登録先の組織を指定してください。")})
        if department is None or not permissions.can_upload_to(request.user, department):
            raise ValidationError({"department": _("この組織には登録できません。")})
        return department, options.validated_data

    def _accept(self, request, upload, department, options) -> Document:
        if upload.error is not None:
            raise upload.error
        try:
            return ingest.record_upload(
                upload.stored,
                user=request.user,
                department=department,
                title=options.get("title", ""),
                document_type=options.get("document_type"),
                document_date=options.get("document_date"),
                source=Source.UPLOAD,
                request=request,
            )
        except Exception as exc:
            raise ingest.DatabaseDown(
                "データベースに登録できませんでした。しばらくしてから再度お試しください。",
                "The document could not be recorded in the database. Please try again later.",
            ) from exc

    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses={201: DocumentDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        uploads = request.FILES.getlist("file")
        if len(uploads) != 1:
            for upload in uploads:
                if upload.stored:
                    ingest.discard(upload.stored)
            return _error(
                "file_required",
                "ファイルを1つ指定してください (file)。",
                "Send exactly one file (file).",
                400,
            )
        try:
            department, options = self._upload_target(request)
            document = self._accept(request, uploads[0], department, options)
        except ingest.IngestError as exc:
            return Response(exc.as_response_body(), status=exc.status)
        except Exception:
            if uploads[0].stored:
                ingest.discard(uploads[0].stored)
            raise
        body = DocumentDetailSerializer(_with_versions(document), context={"request": request}).data
        body["duplicates"] = _duplicates(request.user, document)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": UploadSerializer})
    @action(detail=False, methods=["post"])
    def batch(self, request):
        """Many files in one request; each gets its own result (201 if all were accepted)."""
        uploads = request.FILES.getlist("file")
        if not uploads:
            return _error(
                "file_required",
                "ファイルを指定してください (file)。",
                "Send at least one file (file).",
                400,
            )
        try:
            department, options = self._upload_target(request)
        except ValidationError:
            for upload in uploads:
                if upload.stored:
                    ingest.discard(upload.stored)
            raise
        results = []
        for upload in uploads:
            try:
                document = self._accept(request, upload, department, options)
                results.append(
                    {
                        "filename": upload.name,
                        "id": document.pk,
                        "status": document.status,
                        "duplicates": _duplicates(request.user, document),
                    }
                )
            except ingest.IngestError as exc:
                results.append({"filename": upload.name, **exc.as_response_body()})
        accepted = all("id" in result for result in results)
        return Response({"results": results}, status=201 if accepted else 207)

    # --- change and delete --------------------------------------------------------------
    def _require_change(self, request, document, action_name: str) -> None:
        refusal = None
        if not permissions.can_change(request.user, document):
            refusal = _body(
                "not_allowed",
                "この文書を変更する権限がありません。",
                "You may not change this document.",
            )
        elif document.is_frozen:
            refusal = _body(
                "frozen",
                "決裁済みで凍結された文書は変更できません。",
                "This document was frozen after its decision and cannot be changed.",
            )
        if refusal:
            trail.record(
                actor=request.user,
                action=action_name,
                target=document,
                request=request,
                outcome=Outcome.REFUSED,
                details={"reason": refusal["message"]},
            )
            raise ApiError(**refusal, status=403)

    @extend_schema(request=DocumentUpdateSerializer, responses=DocumentDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        self._require_change(request, document, "change")
        changes = DocumentUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        before = {field: str(getattr(document, field)) for field in changes.validated_data}
        with transaction.atomic():
            for field, value in changes.validated_data.items():
                setattr(document, field, value)
            metadata_fields = {"document_date", "amount", "counterparty"} & set(
                changes.validated_data
            )
            document.metadata_set_by_person = sorted(
                set(document.metadata_set_by_person) | metadata_fields
            )
            document.save()
            events.document_changed(document.pk)
            trail.record(
                actor=request.user,
                action="change",
                target=document,
                request=request,
                details={
                    "before": before,
                    "after": {f: str(v) for f, v in changes.validated_data.items()},
                },
            )
        return Response(DocumentDetailSerializer(document, context={"request": request}).data)

    def destroy(self, request, *args, **kwargs):
        document = self.get_object()
        self._require_change(request, document, "delete")
        refusal = document.deletion_refusal()
        if refusal:
            trail.record(
                actor=request.user,
                action="delete",
                target=document,
                request=request,
                outcome=Outcome.REFUSED,
                details={"reason": refusal[0]},
            )
            return _error("locked", *refusal, 409)
        with transaction.atomic():
            document.deleted_at, document.deleted_by = timezone.now(), request.user
            document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
            events.document_changed(document.pk)
            trail.record(actor=request.user, action="delete", target=document, request=request)
        return Response(status=204)

    # --- files ------------------------------------------------------------------------
    def _stream(
        self,
        key: str,
        version_id: str | None,
        content_type: str,
        filename: str,
        as_attachment: bool = True,
    ) -> StreamingHttpResponse:
        reader = get_object_store().open(key, version_id or None)
        response = StreamingHttpResponse(iter(reader), content_type=content_type)
        response["Content-Length"] = str(reader.length)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        response["X-Content-Type-Options"] = "nosniff"
        response._resource_closers.append(reader.close)
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter("variant", str, enum=["original", "archive"]),
            OpenApiParameter("version", int),
        ],
        responses={200: bytes},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        version = self._version(document, request.query_params.get("version"))
        variant = request.query_params.get("variant", "original")
        if variant not in {"original", "archive"}:
            return _error(
                "invalid_variant",
                "variant は original か archive です。",
                "variant must be original or archive.",
                400,
            )
        trail.record(
            actor=request.user,
            action="download",
            target=document,
            request=request,
            content_sha256=version.blob.sha256,
            details={"version": version.number, "variant": variant},
        )
        if variant == "archive" and version.archive_key:
            stem = version.original_filename.rsplit(".", 1)[0]
            return self._stream(version.archive_key, None, "application/pdf", f"{stem}.pdf")
        if variant == "archive" and version.blob.media_type != "application/pdf":
            return _error(
                "archive_not_ready",
                "アーカイブ版はまだ作成されていません。",
                "The archive copy is not ready yet.",
                404,
            )
        blob = version.blob
        return self._stream(
            blob.key, blob.store_version_id, blob.media_type, version.original_filename
        )

    @extend_schema(responses={200: bytes})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        document = self.get_object()
        version = document.latest_version
        if version is None or not version.thumbnail_key:
            return _error(
                "thumbnail_not_ready",
                "サムネイルはまだ作成されていません。",
                "The thumbnail is not ready yet.",
                404,
            )
        return self._stream(version.thumbnail_key, None, "image/png", "thumbnail.png", False)

    def _version(self, document, number) -> Version:
        versions = document.versions.select_related("blob")
        version = versions.filter(number=number).first() if number else versions.last()
        if version is None:
            raise NotFoundError("版が見つかりません。", "Version not found.")
        return version

    # --- versions, history, retry, share ------------------------------------------------
    @extend_schema(
        request={"multipart/form-data": UploadSerializer}, responses=VersionSerializer(many=True)
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, pk=None):
        document = self.get_object()
        if request.method == "GET":
            return Response(
                VersionSerializer(
                    document.versions.select_related("blob", "created_by"), many=True
                ).data
            )
        uploads = request.FILES.getlist("file")
        if len(uploads) != 1:
            return _error(
                "file_required",
                "ファイルを1つ指定してください (file)。",
                "Send exactly one file (file).",
                400,
            )
        try:
            self._require_change(request, document, "new_version")
        except ApiError:
            if uploads[0].stored:
                ingest.discard(uploads[0].stored)
            raise
        if uploads[0].error is not None:
            exc = uploads[0].error
            if isinstance(exc, ingest.IngestError):
                return Response(exc.as_response_body(), status=exc.status)
            raise exc
        version = ingest.record_new_version(
            uploads[0].stored,
            document=document,
            user=request.user,
            request=request,
            comment=request.data.get("comment", ""),
        )
        return Response(VersionSerializer(version).data, status=201)

    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        document = self.get_object()
        entries = AuditEntry.objects.filter(document_id=document.pk).order_by("sequence")
        return Response(
            [
                {
                    "sequence": e.sequence,
                    "timestamp": e.timestamp,
                    "actor": e.actor,
                    "action": e.action,
                    "outcome": e.outcome,
                    "client_address": e.client_address,
                    "content_sha256": e.content_sha256,
                    "details": e.details,
                }
                for e in entries
            ]
        )

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        document = self.get_object()
        self._require_change(request, document, "retry")
        if document.status != Status.FAILED:
            return _error(
                "not_failed",
                "失敗した文書だけを再処理できます。",
                "Only failed documents can be retried.",
                409,
            )
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(status=Status.QUEUED, error="")
            process_version.enqueue(document.latest_version.pk)
            trail.record(actor=request.user, action="retry", target=document, request=request)
        document.refresh_from_db()
        return Response(
            DocumentDetailSerializer(document, context={"request": request}).data, status=202
        )

    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        document = self.get_object()
        self._require_change(request, document, "share")
        users = get_user_model().objects.filter(username__in=request.data.get("users", []))
        groups = Group.objects.filter(name__in=request.data.get("groups", []))
        with transaction.atomic():
            document.shared_with_users.add(*users)
            document.shared_with_groups.add(*groups)
            events.document_changed(document.pk)
            trail.record(
                actor=request.user,
                action="share",
                target=document,
                request=request,
                details={"users": [u.username for u in users], "groups": [g.name for g in groups]},
            )
        return Response(
            {
                "users": [u.username for u in document.shared_with_users.all()],
                "groups": [g.name for g in document.shared_with_groups.all()],
            }
        )
