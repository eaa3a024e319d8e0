"""REST endpoints of the core that are not about documents: health."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.health import DOWN, overall_status, run_probes


class HealthView(APIView):
    """Each backend with its status and version; 503 when any is down (200 when degraded)."""

    permission_classes = [AllowAny]  # load balancers and operators call it unauthenticated

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request):
        results = run_probes()
        status = overall_status(results)
        body = {
            "status": status,
            "services": {name: result.as_dict() for name, result in results.items()},
        }
        return Response(body, status=503 if status == DOWN else 200)
