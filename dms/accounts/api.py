"""Session login for the web app, the current user, and the lists the filters need."""

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.accounts.models import Department
from dms.documents.models import DocumentType
from dms.documents.serializers import DepartmentSerializer, DocumentTypeSerializer
from dms.errors import ApiError


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


class LoginView(APIView):
    """Session login (the web app); API clients may use ``/api/auth/token/`` instead."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=LoginSerializer, responses={200: MeSerializer})
    def post(self, request):
        credentials = LoginSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request, **credentials.validated_data)
        if user is None:
            raise ApiError(
                "invalid_credentials",
                "ユーザー名またはパスワードが正しくありません。",
                "The user name or password is not correct.",
            )
        login(request, user)
        return Response(_me(user))


class LogoutView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        logout(request)
        return Response(status=204)


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
