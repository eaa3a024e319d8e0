"""Session login for the web app, API tokens, the current user, and the filters' lists.

Every password check goes through ``authenticate()`` and so through
:class:`dms.accounts.login_guard.GuardedModelBackend` (limits and audit).
"""

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import exceptions as drf
from rest_framework import generics, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.accounts import login_guard, tokens
from dms.accounts.models import Department
from dms.documents.models import DocumentType
from dms.documents.serializers import DepartmentSerializer, DocumentTypeSerializer
from dms.errors import ApiError, NotFoundError


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.CharField()
    departments = DepartmentSerializer(many=True)
    sees_everything = serializers.BooleanField()


def _me(user) -> dict:
    return MeSerializer(
        {
            "id": user.pk,
            "username": user.username,
            "display_name": user.display_name or user.username,
            "role": user.role,
            "departments": user.departments.all(),
            "sees_everything": user.sees_everything,
        }
    ).data


CSRF_REFUSED = ApiError(
    "csrf_failed",
    "画面の有効期限が切れました。ページを再読み込みしてから、もう一度お試しください。",
    "The page has expired. Reload it and try again.",
    403,
)


def _enforce_csrf(request) -> None:
    """Refuse a cross-site post: a login must carry the CSRF token like any other change."""
    try:
        SessionAuthentication().enforce_csrf(request)
    except drf.PermissionDenied as exc:
        raise CSRF_REFUSED from exc


def _checked_user(request):
    credentials = LoginSerializer(data=request.data)
    credentials.is_valid(raise_exception=True)
    user = authenticate(request, **credentials.validated_data)
    if user is None:
        raise login_guard.refusal(request)
    return user


class LoginView(APIView):
    """Session login (the web app); API clients may use ``/api/auth/token/`` instead.

    No authentication class means DRF checks no CSRF token here, so the view checks it
    itself: otherwise another site could sign a visitor in as the attacker (login CSRF).
    """

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=LoginSerializer, responses={200: MeSerializer})
    def post(self, request):
        _enforce_csrf(request)
        user = _checked_user(request)
        login(request, user)
        return Response(_me(user))


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


def _issued(token: AuthToken, secret: str) -> dict:
    return IssuedTokenSerializer({"token": secret, "expiry": token.expiry}).data


class TokenView(APIView):
    """An API token for a user name and password (``Authorization: Token <token>``)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=LoginSerializer, responses={200: IssuedTokenSerializer})
    def post(self, request):
        user = _checked_user(request)
        return Response(_issued(*tokens.issue(user, request=request)))


class LogoutView(APIView):
    """Ends the session; a request signed with a token revokes that token."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            tokens.revoke(request.user, request.auth.token_key, request=request)
        logout(request)
        return Response(status=204)


class TokenSummarySerializer(serializers.Serializer):
    token_key = serializers.CharField(help_text="トークンの先頭部分 (first characters)")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.BooleanField(help_text="この要求に使われたトークン")


class TokenListView(APIView):
    """The signed-in user's valid tokens (GET); DELETE revokes them all."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TokenSummarySerializer(many=True)})
    def get(self, request):
        current = request.auth.digest if isinstance(request.auth, AuthToken) else None
        rows = [
            {
                "token_key": token.token_key,
                "created": token.created,
                "expiry": token.expiry,
                "current": token.digest == current,
            }
            for token in tokens.live_tokens(request.user)
        ]
        return Response(TokenSummarySerializer(rows, many=True).data)

    @extend_schema(request=None, responses={204: None}, operation_id="auth_tokens_revoke_all")
    def delete(self, request):
        tokens.revoke_all(request.user, reason="revoked_by_user", request=request)
        return Response(status=204)


class TokenDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_key: str):
        if not tokens.revoke(request.user, token_key, request=request):
            raise NotFoundError("トークンが見つかりません。", "Token not found.")
        return Response(status=204)


class TokenRotateView(APIView):
    """A new token in place of the one that signs this request (which stops working)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: IssuedTokenSerializer})
    def post(self, request):
        if not isinstance(request.auth, AuthToken):
            raise ApiError(
                "token_required",
                "トークンで認証した要求だけがトークンを更新できます。",
                "Only a request signed with a token can rotate it.",
            )
        return Response(_issued(*tokens.rotate(request.auth, request=request)))


class MeView(APIView):
    """The signed-in user; also hands the web app its CSRF cookie."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        get_token(request)
        return Response(_me(request.user))


class CsrfView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=None, responses={204: None})
    def get(self, request):
        get_token(request)
        return Response(status=204)


class DepartmentList(generics.ListAPIView):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    pagination_class = None


class DocumentTypeList(generics.ListAPIView):
    queryset = DocumentType.objects.all()
    serializer_class = DocumentTypeSerializer
    pagination_class = None
