import ipaddress
import logging
import re
import time
import uuid

from django.conf import settings

from audit import context, requestlog

logger = logging.getLogger("api.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
USER_AGENT_MAX = 512
API_PREFIX = "/api/"


def client_ip(request) -> str | None:
    """The caller's address, trusting X-Forwarded-For only as far as our own proxies.

    `NUM_PROXIES` (the REST framework setting) says how many proxies stand in
    front of us; the address the last of them saw is the client's. Without
    proxies the header is ignored, since anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            candidate = hops[-min(proxies, len(hops))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


class RequestContextMiddleware:
    """Gives each request an id, echoed as X-Request-ID, and logs it once.

    The id, the caller's IP and user agent are made available to the audit
    service for the length of the request. The log line names the path but
    never the query string or bodies, which may carry secrets.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        request.client_ip = client_ip(request)
        logged = settings.API_LOG_ENABLED and request.path.startswith(API_PREFIX)
        request_body = ""
        if logged and request.path.startswith(settings.API_LOG_BODY_EXCLUDED_PREFIXES):
            request_body = f"<{request.META.get('CONTENT_LENGTH') or 0} bytes, not logged>"
        elif logged:
            try:
                request_body = requestlog.read_request_body(request)
            except Exception as error:
                # The log never takes a request down; the body is what failed, so it stays out.
                request_body = "<body not logged>"
                logger.error(
                    "Could not clean a request body for the log (%s)", type(error).__name__
                )
        token = context.activate(
            context.RequestContext(
                request_id=request_id,
                ip=request.client_ip,
                user_agent=request.headers.get("User-Agent", "")[:USER_AGENT_MAX],
            )
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        response["X-Request-ID"] = request_id
        if logged:
            try:
                requestlog.record(request, response, duration_ms, request_body)
            except Exception as error:
                logger.error("Could not record request %s (%s)", request_id, type(error).__name__)
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "request_id": request_id,
                "user_id": getattr(user, "pk", None)
                if getattr(user, "is_authenticated", False)
                else None,
            },
        )
        return response
