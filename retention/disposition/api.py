"""REST API for disposition and the register, under ``/api/retention/disposition/``.

Reading the queue, proposals and tombstones, and acting, is for records officers and
administrators; the register export is for every member of staff (their sections' files),
and its public version for everyone signed in.
"""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.errors import ApiError
from dms.storage import get_object_store
from retention.disposition import services
from retention.disposition.models import Proposal, Tombstone
from retention.disposition.serializers import (
    ProposalInputSerializer,
    ProposalSerializer,
    QueueFileSerializer,
    TombstoneSerializer,
)
from retention.register import rows, writers


class OfficerMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        services.require_officer(request.user)


class QueueView(OfficerMixin, generics.ListAPIView):
    """廃棄・移管の候補: expired files with no open hold, oldest first."""

    serializer_class = QueueFileSerializer

    def get_queryset(self):
        return services.queue()


class WarningView(OfficerMixin, generics.ListAPIView):
    """Files near expiry whose action at expiry is still 未定."""

    serializer_class = QueueFileSerializer

    def get_queryset(self):
        return services.warnings()


class ProposalListView(OfficerMixin, generics.ListCreateAPIView):
    serializer_class = ProposalSerializer

    def get_queryset(self):
        return Proposal.objects.prefetch_related("items__record_file")

    @extend_schema(request=ProposalInputSerializer, responses={201: ProposalSerializer})
    def post(self, request):
        data = ProposalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.propose(user=request.user, **data.validated_data)
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailView(OfficerMixin, generics.RetrieveAPIView):
    serializer_class = ProposalSerializer

    def get_queryset(self):
        return Proposal.objects.prefetch_related("items__record_file")

    def get_object(self):
        return services.decision_state(super().get_object())


class _ProposalAction(OfficerMixin, APIView):
    serializer_class = ProposalSerializer

    def act(self, proposal, user):  # pragma: no cover - each subclass defines it
        raise NotImplementedError

    @extend_schema(request=None, responses=ProposalSerializer)
    def post(self, request, pk: int):
        proposal = self.act(get_object_or_404(Proposal, pk=pk), request.user)
        return Response(ProposalSerializer(proposal).data)


class ApproveView(_ProposalAction):
    """Two-person review, for a proposal without an approvals case."""

    def act(self, proposal, user):
        return services.approve(proposal, user=user)


class ExecuteView(_ProposalAction):
    """Queue the destruction (or the transfer package) of a decided proposal."""

    def act(self, proposal, user):
        return services.start(proposal, user=user)


class ReceiptView(_ProposalAction):
    """The archives confirmed receipt of the transfer package: the files become tombstones."""

    def act(self, proposal, user):
        return services.confirm_receipt(proposal, user=user)


class PackageView(OfficerMixin, APIView):
    """The transfer package (BagIt, tar.gz) of a transfer proposal, streamed from the store."""

    @extend_schema(responses={200: OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        proposal = get_object_or_404(Proposal, pk=pk)
        if not proposal.package_key:
            raise ApiError(
                "no_package",
                "移管パッケージはまだありません。",
                "The transfer package has not been built yet.",
                404,
            )
        reader = get_object_store().open(proposal.package_key)

        def chunks():
            try:
                while chunk := reader.read(1024 * 1024):
                    yield chunk
            finally:
                reader.close()

        response = StreamingHttpResponse(chunks(), content_type="application/gzip")
        name = proposal.package_key.rsplit("/", 1)[-1]
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class TombstoneListView(OfficerMixin, generics.ListAPIView):
    """廃棄・移管の記録. ``q`` finds a file by its title, ``document`` the file a destroyed
    document belonged to (the document is no longer in the search index)."""

    serializer_class = TombstoneSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="ファイル名の一部"),
            OpenApiParameter("document", OpenApiTypes.INT, description="文書ID"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = Tombstone.objects.all()
        if q := self.request.query_params.get("q", "").strip():
            queryset = queryset.filter(register_row__title__icontains=q)
        document = self.request.query_params.get("document", "")
        if document.isdigit():
            queryset = queryset.filter(record_file__documents__document_id=int(document))
        return queryset


REGISTER_PARAMETERS = [
    OpenApiParameter("public", OpenApiTypes.BOOL, description="公開用(内部の列を除く)"),
    OpenApiParameter("encoding", OpenApiTypes.STR, enum=["utf-8", "cp932"]),
    OpenApiParameter("lang", OpenApiTypes.STR, enum=["ja", "en"]),
]


class RegisterExportView(APIView):
    """ファイル管理簿 as CSV or XLSX, streamed."""

    kind = "csv"

    def _rows(self, request, public: bool):
        queryset = rows.registered_files()
        if not public and not request.user.sees_everything:
            sections = set()
            for department in request.user.departments.all():
                sections.update(department.subtree_ids())
            queryset = queryset.filter(custodian_id__in=sections)
        if public:
            queryset = queryset.filter(closed_at__isnull=True)
        return rows.register_rows(queryset.select_related("tombstone"))

    @extend_schema(parameters=REGISTER_PARAMETERS, responses={200: OpenApiTypes.BINARY})
    def get(self, request):
        public = request.query_params.get("public") in {"1", "true"}
        english = request.query_params.get("lang") == "en"
        columns = rows.PUBLIC_COLUMNS if public else rows.COLUMNS
        name = "file-register-public" if public else "file-register"
        if self.kind == "xlsx":
            body = writers.xlsx_stream(self._rows(request, public), columns, english=english)
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            encoding = request.query_params.get("encoding", "utf-8")
            body = writers.csv_stream(
                self._rows(request, public), columns, encoding=encoding, english=english
            )
            cp932 = encoding.lower() in {"cp932", "shift_jis", "sjis"}
            media = "text/csv; charset=" + ("Shift_JIS" if cp932 else "utf-8")
        response = StreamingHttpResponse(body, content_type=media)
        response["Content-Disposition"] = f'attachment; filename="{name}.{self.kind}"'
        return response
