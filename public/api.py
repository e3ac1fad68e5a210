"""The public JSON API at /api/v1/: one error shape, a Redis-shared anonymous rate limit, ETags."""

import functools
import logging
import math
import threading
from http import HTTPStatus

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import conditional_page
from ninja import NinjaAPI, Schema, renderers
from ninja.errors import HttpError, Throttled, ValidationError
from ninja.throttling import BaseThrottle

from public.api_routes import days_router, papers_router, topics_router
from public.ratelimit import rate_parse, rate_window_count

logger = logging.getLogger(__name__)


class AnonRateThrottle(BaseThrottle):
    """Fixed-window count per client IP in the shared cache (public.ratelimit), so every
    worker process and host sees the same count. The rate is read from
    settings.API_ANON_RATE on each request."""

    def __init__(self) -> None:
        self._local = threading.local()  # wait() is asked right after allow_request()

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if not settings.API_ANON_RATE or (user is not None and user.is_authenticated):
            return True
        limit, period = rate_parse(settings.API_ANON_RATE)
        wait = rate_window_count(
            scope="api-throttle", ident=self.get_ident(request), limit=limit, period=period
        )
        self._local.wait = wait
        return wait is None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


class JSONRenderer(renderers.JSONRenderer):
    """Chinese text as UTF-8, readable in the raw response, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="arxdaily API",
    version="1",
    description=(
        "Published daily pages of new arXiv papers by topic. Chinese text appears only after "
        "an editor has passed it; otherwise its `text` is null and `state` says why. "
        "Anonymous clients are rate limited (HTTP 429 with Retry-After)."
    ),
    urls_namespace="api",
    renderer=JSONRenderer(),
    throttle=[AnonRateThrottle()],
)


class IndexOut(Schema):
    docs: str
    openapi: str
    endpoints: list[str]


@functools.cache
def _endpoint_paths() -> list[str]:
    return sorted(api.get_openapi_schema()["paths"])


@api.get("/", response=IndexOut, summary="Where to start", tags=["meta"])
def index(request):
    """Links to the interactive docs, the OpenAPI document and every endpoint."""
    return {
        "docs": reverse("api:openapi-view"),
        "openapi": reverse("api:openapi-json"),
        "endpoints": _endpoint_paths(),
    }


api.add_router("/topics", topics_router)
api.add_router("/days", days_router)
api.add_router("/papers", papers_router)
# Strong ETag from the body; a matching If-None-Match gets 304 (Django's conditional GET).
api.add_decorator(conditional_page, mode="view")


def error_response(*, status: int, code: str, message: str, detail=None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "detail": detail}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _where(loc: list) -> str:
    source, *names = [str(part) for part in loc] or ["request"]
    return f"{'.'.join(names)} ({source})" if names else source


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError) -> HttpResponse:
    detail = [
        {
            "loc": list(error.get("loc", [])),
            "msg": str(error.get("msg", "")).removeprefix("Value error, "),
            "type": error.get("type", ""),
        }
        for error in exc.errors
        if isinstance(error, dict)
    ]
    message = "; ".join(f"{_where(error['loc'])}: {error['msg']}" for error in detail)
    return error_response(
        status=422, code="invalid_parameters", message=message or "invalid request", detail=detail
    )


@api.exception_handler(Http404)
def _not_found(request, exc: Http404) -> HttpResponse:
    return error_response(status=404, code="not_found", message=str(exc) or "not found")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError) -> HttpResponse:
    if isinstance(exc, Throttled):
        retry_after = math.ceil(exc.wait or 1)
        return error_response(
            status=429,
            code="rate_limited",
            message=f"too many requests; retry after {retry_after} s",
            detail={"retry_after": retry_after},
        )
    return error_response(status=exc.status_code, code=f"http_{exc.status_code}", message=str(exc))


@api.exception_handler(Exception)
def _server_error(request, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path)
    return error_response(status=500, code="server_error", message="internal server error")


def api_not_found(request, rest: str) -> HttpResponse:
    """Unknown URLs under /api/v1/ answer in the API's error shape, not the site's 404 page."""
    return error_response(status=404, code="not_found", message=f"no API endpoint {request.path}")


# Headers an error keeps when it is reshaped: they tell the client what to do next.
_ERROR_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _error_reshaped(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A non-JSON error (ninja's 405, Django's 400 or 500 page) in the API's error shape."""
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
        code = HTTPStatus(status).name.lower()
    except ValueError:
        phrase, code = "error", f"http_{status}"
    message, detail = phrase.lower(), None
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        allowed = [method.strip() for method in response.get("Allow", "").split(",") if method]
        if "GET" in allowed:
            allowed.append("HEAD")  # answered as GET by ApiProtocolMiddleware
        response["Allow"] = ", ".join(allowed)
        message = f"{request.method} is not allowed here; use {' or '.join(allowed)}"
        detail = {"allowed": allowed}
    shaped = error_response(status=status, code=code, message=message, detail=detail)
    for header in _ERROR_HEADERS:
        if header in response:
            shaped[header] = response[header]
    return shaped


class ApiProtocolMiddleware:
    """Under /api/v1/, whatever answers: HEAD is answered as GET without the body (ninja
    routes GET only), and every error is JSON in the one shape, even those made outside the
    API's exception handlers (ninja's 405, Django's 400 and 500 pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(reverse("api:index")):
            return self.get_response(request)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            response = _error_reshaped(request, response)
        if head:
            request.method = "HEAD"
            if not response.streaming:
                response["Content-Length"] = len(response.content)
                response.content = b""
        return response
