"""``/api/v1/<service>/{path}`` for every method, forwarded to that service.

Nothing here is parsed or validated (the service does that), and the routes
stay out of the gateway's own OpenAPI, where the services' documents show the
real operations under the same paths. A name that is no service matches no
route: the runtime's 404 problem. (FastAPI routes rather than plain Starlette
ones: they name their template in the metrics, ``/api/v1/assistance/{path}``.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from civil_gateway.routing.proxy import forward
from civil_gateway.routing.upstreams import SERVICES, Service, upstreams_of
from civil_gateway.routing.writes import written

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

router = APIRouter()


def _forwarder(service: Service) -> Callable[[Request], Awaitable[Response]]:
    async def forward_to_service(request: Request) -> Response:
        response = await forward(request, service, upstreams_of(request))
        written(request.app, request.method, response.status_code, service.name)
        return response

    forward_to_service.__name__ = f"forward_to_{service.name}"
    return forward_to_service


for _service in SERVICES:
    router.add_api_route(
        f"/api/v1/{_service.name}/{{path:path}}",
        _forwarder(_service),
        methods=METHODS,
        name=f"proxy_{_service.name}",
        include_in_schema=False,
    )
