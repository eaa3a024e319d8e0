"""REST endpoints of the core that are not about documents: health."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.accounts.models import Role
from dms.health import DOWN, overall_status, run_probes


class HealthView(APIView):
    """Each backend's status; 503 when any is down (200 when degraded).

    Load balancers and monitors call it without signing in, so everyone gets each service's
    up/down state; versions, endpoints, paths and error text only administrators (and
    ``manage.py check_services``): they tell an attacker what to aim at.
    """

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request):
        results = run_probes()
        status = overall_status(results)
        full = _is_administrator(request.user)
        body = {
            "status": status,
            "services": {
                name: result.as_dict() if full else {"status": result.as_dict()["status"]}
                for name, result in results.items()
            },
        }
        return Response(body, status=503 if status == DOWN else 200)


def _is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMINISTRATOR)
