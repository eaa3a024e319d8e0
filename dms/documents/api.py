"""REST API for documents: each action validates, calls one service function, answers.

Changes go through :mod:`dms.documents.lifecycle`, reads through
:mod:`dms.documents.access`; list filters are :class:`dms.documents.filters.DocumentFilter`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Prefetch, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from dms.accounts.models import Department
from dms.documents import access, history, ingest, lifecycle, media, permissions
from dms.documents.filters import DocumentFilter
from dms.documents.models import Document, Source, Version
from dms.documents.serializers import (
    DocumentDetailSerializer,
    DocumentListSerializer,
    DocumentUpdateSerializer,
    HistoryEntrySerializer,
    RedactedHistoryEntrySerializer,
    ShareSerializer,
    UploadSerializer,
    VersionCommentSerializer,
    VersionSerializer,
)
from dms.documents.uploads import UNEXPECTED_FILE, RawFileParser, StreamingMultiPartParser
from dms.documents.validation import column_range
from dms.errors import ApiError, InvalidParameter, NotFoundError
from dms.storage import get_object_store

FILE_REQUIRED = ApiError(
    "file_required", "ファイルを1つ指定してください (file)。", "Send exactly one file (file)."
)
FILES_REQUIRED = ApiError(
    "file_required", "ファイルを指定してください (file)。", "Send at least one file (file)."
)
BODY_READ_TOO_EARLY = ApiError(
    "request_not_checked",
    "認証と権限の確認が済む前のファイルは受け付けません。",
    "A file is not accepted before the request has been authenticated and authorised.",
    403,
)


def _names_refused(message: str, message_en: str) -> ApiError:
    return ApiError("share_names_refused", message, message_en)


# One answer for a name that does not exist and one that cannot be shared with (inactive):
# sharing must not tell which user names exist.
SHARE_NAMES_REFUSED = (
    "共有先に指定できない利用者名またはグループ名が含まれています。",
    "Some of the user or group names cannot be shared with.",
)
UNSHARE_NAMES_REFUSED = (
    "この文書を共有していない利用者名またはグループ名が含まれています。",
    "Some of the user or group names are not shared with on this document.",
)


def _all_named(found, names, name_of, refusal) -> list:
    """Every object of ``found`` if it has each of ``names``; else the neutral refusal."""
    found = list(found)
    if {name_of(item) for item in found} != set(names):
        raise _names_refused(*refusal)
    return found


def _department_refused() -> ValidationError:
    return ValidationError({"department": ["この組織には登録できません。"]})


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


def _version_number(raw: str | None) -> int | None:
    """``?version=``: a version number, or None for the latest; anything else is a 400."""
    if raw is None or raw == "":
        return None
    low, high = column_range(Version, "number")
    if raw.isascii() and raw.isdigit() and max(low, 1) <= int(raw) <= high:
        return int(raw)
    raise InvalidParameter(
        "version",
        "version は版番号(1 以上の整数)で指定してください。",
        "version must be a version number (a whole number from 1).",
    )


def _discard_all(uploads) -> None:
    for upload in uploads:
        if upload.stored:
            ingest.discard(upload.stored)


class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    parser_classes = [JSONParser, StreamingMultiPartParser, RawFileParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DocumentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema: no user
            return Document.objects.none()
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
        return access.visible_document(
            self.get_queryset(),
            self.kwargs["pk"],
            user=self.request.user,
            action=self.action or "view",
            request=self.request,
        )

    def _detail(self, document: Document, http_status=200) -> Response:
        body = DocumentDetailSerializer(
            _with_versions(document), context={"request": self.request}
        ).data
        body["duplicates"] = _duplicates(self.request.user, document)
        return Response(body, status=http_status)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        access.viewed(document, user=request.user, request=request)
        return self._detail(document)

    # --- upload -----------------------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # From here on the request is authenticated, permitted and within its throttles.
        # A body parsed any earlier (by an authentication class reading request.POST, as
        # DRF's CSRF check does) stores nothing: see upload_gate.
        self._request_checked = True

    def upload_gate(self, field_name: str, fields, files_before: int) -> Exception | None:
        """Asked by the upload parser before it stores a file part: why not, or None.

        Files are stored while the request is read, so the target is authorised here,
        before the bytes reach the store, as far as it is known by then: a department
        named before the file (form field or query parameter) is checked now; one named
        after it is checked once the whole request has been read (the stored file is then
        discarded if refused). Only the ``file`` field is stored, once per request on the
        single-file actions, and never before the request itself was checked.
        """
        if field_name != "file" or self.action not in {"create", "batch", "versions"}:
            return UNEXPECTED_FILE
        if not getattr(self, "_request_checked", False):
            return BODY_READ_TOO_EARLY
        if self.action in {"create", "versions"} and files_before:
            return FILE_REQUIRED
        if self.action == "versions":
            if getattr(self, "_new_version_checked", None) is None:
                return BODY_READ_TOO_EARLY
            return None  # the document's state and rights were checked before reading
        wanted = fields.get("department") or self.request.query_params.get("department")
        user = self.request.user
        if wanted:
            department = self._department(wanted)
            if department is None or not permissions.can_upload_to(user, department):
                return _department_refused()
        elif not (user.sees_everything or permissions.own_departments(user)):
            return _department_refused()
        return None

    @staticmethod
    def _department(wanted) -> Department | None:
        lookup = {"pk": wanted} if str(wanted).isdigit() else {"code": wanted}
        return Department.objects.filter(**lookup).first()

    def _upload_target(self, request):
        options = UploadSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        wanted = options.validated_data.get("department") or request.query_params.get("department")
        if wanted:
            department = self._department(wanted)
        else:
            mine = permissions.own_departments(request.user)
            department = mine[0] if len(mine) == 1 else None
            if department is None:
                raise ValidationError({"department": ["登録先の組織を指定してください。"]})
        if department is None or not permissions.can_upload_to(request.user, department):
            raise _department_refused()
        return department, options.validated_data

    def _accept(self, request, upload, department, options) -> Document:
        if upload.error is not None:
            raise upload.error
        try:
            return lifecycle.create(
                upload.stored,
                user=request.user,
                department=department,
                title=options.get("title", ""),
                document_type=options.get("document_type"),
                document_date=options.get("document_date"),
                source=Source.UPLOAD,
                request=request,
            )
        except ApiError:
            raise
        except Exception as exc:
            raise ingest.DatabaseDown(
                "データベースに登録できませんでした。しばらくしてから再度お試しください。",
                "The document could not be recorded in the database. Please try again later.",
            ) from exc

    def _uploads(self, request, *, at_least_one_only: bool):
        """The stored file parts (the parser has already refused any other part)."""
        uploads = request.FILES.getlist("file")
        if not uploads or (at_least_one_only and len(uploads) != 1):
            _discard_all(uploads)
            raise FILE_REQUIRED if at_least_one_only else FILES_REQUIRED
        return uploads

    @extend_schema(
        description=(
            "一つのファイルを登録する。multipart/form-data (file 欄と各項目)、"
            "またはファイルそのものを本文として送る (Content-Type はファイルの種類、"
            "名前は Content-Disposition、項目はクエリ): 本文のほうが速く、"
            "組織の確認は本文を読む前に行われる。 / One file: as a "
            "multipart form, or as the whole body (its type as Content-Type, its name in "
            "Content-Disposition, the options in the query), which is faster."
        ),
        request={
            "multipart/form-data": UploadSerializer,
            "application/pdf": OpenApiTypes.BINARY,
            "image/tiff": OpenApiTypes.BINARY,
            "image/jpeg": OpenApiTypes.BINARY,
            "image/png": OpenApiTypes.BINARY,
            "application/octet-stream": OpenApiTypes.BINARY,
        },
        parameters=[
            OpenApiParameter("department", str, description="組織コードまたは ID"),
            OpenApiParameter("title", str, description="件名 (本文で送るとき)"),
            OpenApiParameter("document_type", str, description="文書種別コード (本文で送るとき)"),
            OpenApiParameter("document_date", OpenApiTypes.DATE, description="作成・取得日"),
        ],
        responses={201: DocumentDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        (upload,) = self._uploads(request, at_least_one_only=True)
        try:
            department, options = self._upload_target(request)
        except Exception:
            _discard_all([upload])
            raise
        document = self._accept(request, upload, department, options)  # discards if refused
        return self._detail(document, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": UploadSerializer})
    @action(detail=False, methods=["post"])
    def batch(self, request):
        """Many files in one request; each gets its own result (201 if all were accepted)."""
        uploads = self._uploads(request, at_least_one_only=False)
        try:
            department, options = self._upload_target(request)
        except Exception:
            _discard_all(uploads)
            raise
        results, failures = [], []
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
                results.append({"filename": upload.name, **exc.as_body()})
                failures.append(exc)
        if (
            failures
            and len(failures) == len(results)
            and all(failure.status_code == 503 for failure in failures)
        ):  # nothing accepted because a service is down: the request failed, not the files
            return Response({**failures[0].as_body(), "results": results}, status=503)
        accepted = all("id" in result for result in results)
        return Response({"results": results}, status=201 if accepted else 207)

    # --- change and delete --------------------------------------------------------------
    @extend_schema(request=DocumentUpdateSerializer, responses=DocumentDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()
        changes = DocumentUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        document = lifecycle.change_metadata(
            document, changes.validated_data, user=request.user, request=request
        )
        return Response(DocumentDetailSerializer(document, context={"request": request}).data)

    def destroy(self, request, *args, **kwargs):
        lifecycle.delete(self.get_object(), user=request.user, request=request)
        return Response(status=204)

    @extend_schema(request=ShareSerializer)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        document = self.get_object()
        users = get_user_model().objects.filter(is_active=True)
        return self._change_shares(document, "share", users, Group.objects, SHARE_NAMES_REFUSED)

    @extend_schema(request=ShareSerializer)
    @action(detail=True, methods=["post"])
    def unshare(self, request, pk=None):
        """Take shares back; every name must be one the document is shared with."""
        document = self.get_object()
        return self._change_shares(
            document,
            "unshare",
            document.shared_with_users.all(),
            document.shared_with_groups.all(),
            UNSHARE_NAMES_REFUSED,
        )

    def _change_shares(self, document, action_name: str, users, groups, refusal) -> Response:
        """Every name given must be among ``users``/``groups``, else one neutral refusal."""
        wanted = ShareSerializer(data=self.request.data)
        wanted.is_valid(raise_exception=True)
        user, request = self.request.user, self.request
        # The right first: names are looked up only for someone who may change the shares.
        lifecycle.check(document, action_name, user=user, request=request)
        names = wanted.validated_data
        try:
            found_users = _all_named(
                users.filter(username__in=names["users"]),
                names["users"],
                lambda u: u.username,
                refusal,
            )
            found_groups = _all_named(
                groups.filter(name__in=names["groups"]), names["groups"], lambda g: g.name, refusal
            )
        except ApiError as refused:
            lifecycle.refuse(document, action_name, refused, user=user, request=request)
        change = lifecycle.share if action_name == "share" else lifecycle.unshare
        document = change(
            document, users=found_users, groups=found_groups, user=user, request=request
        )
        return Response(self._shares(document))

    @staticmethod
    def _shares(document: Document) -> dict:
        return {
            "users": sorted(u.username for u in document.shared_with_users.all()),
            "groups": sorted(g.name for g in document.shared_with_groups.all()),
        }

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        document = lifecycle.retry(self.get_object(), user=request.user, request=request)
        return Response(
            DocumentDetailSerializer(document, context={"request": request}).data, status=202
        )

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
        if document.is_destroyed:  # seen by records officers: the tombstone has no files
            raise ApiError(
                "destroyed",
                "廃棄済みの文書です。ファイルはありません。",
                "The document has been destroyed; its files no longer exist.",
                410,
            )
        version = self._version(document, request.query_params.get("version"))
        variant = request.query_params.get("variant", "original")
        if variant not in {"original", "archive"}:
            raise ApiError(
                "invalid_variant",
                "variant は original か archive です。",
                "variant must be original or archive.",
            )
        access.downloaded(document, version, variant, user=request.user, request=request)
        if variant == "archive" and version.archive_key:
            stem = version.original_filename.rsplit(".", 1)[0]
            return self._stream(version.archive_key, None, "application/pdf", f"{stem}.pdf")
        if variant == "archive" and version.blob.media_type != "application/pdf":
            raise ApiError(
                "archive_not_ready",
                "アーカイブ版はまだ作成されていません。",
                "The archive copy is not ready yet.",
                404,
            )
        blob = version.blob
        filename = media.named_as(version.original_filename, blob.media_type)
        return self._stream(blob.key, blob.store_version_id, blob.media_type, filename)

    @extend_schema(responses={200: bytes})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        version = self.get_object().latest_version
        if version is None or not version.thumbnail_key:
            raise ApiError(
                "thumbnail_not_ready",
                "サムネイルはまだ作成されていません。",
                "The thumbnail is not ready yet.",
                404,
            )
        return self._stream(version.thumbnail_key, None, "image/png", "thumbnail.png", False)

    def _version(self, document, raw_number) -> Version:
        number = _version_number(raw_number)
        versions = document.versions.select_related("blob")
        version = versions.filter(number=number).first() if number else versions.last()
        if version is None:
            raise NotFoundError("版が見つかりません。", "Version not found.")
        return version

    # --- versions and history -----------------------------------------------------------
    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses=VersionSerializer(many=True),
        filters=False,
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
        # Refused before the request body is read: nothing reaches the store.
        lifecycle.check(document, "new_version", user=request.user, request=request)
        self._new_version_checked = document.pk
        (upload,) = self._uploads(request, at_least_one_only=True)
        options = VersionCommentSerializer(data={"comment": request.data.get("comment", "")})
        if upload.error is not None or not options.is_valid():
            _discard_all([upload])
            raise upload.error or ValidationError(options.errors)
        version = lifecycle.add_version(
            document,
            upload.stored,
            user=request.user,
            request=request,
            comment=options.validated_data.get("comment", ""),
        )
        return Response(VersionSerializer(version).data, status=201)

    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The full audit view for records officers and administrators; others a redacted one."""
        document = self.get_object()
        serializer = (
            HistoryEntrySerializer
            if history.sees_full_history(request.user)
            else RedactedHistoryEntrySerializer
        )
        entries = history.entries_for(request.user, document)
        return Response(serializer(entries, many=True).data)
