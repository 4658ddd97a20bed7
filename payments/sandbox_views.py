"""The sandbox provider's checkout page: where a person presses pay or fail.

It stands in for the provider's hosted page, so it is reached by the order id
alone, like a payment link, and takes form posts from anywhere (curl
included): with no CSRF check, the worst a forged post can do is pay a
sandbox order with sandbox money.
"""

import threading

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from payments.models import Payment, SandboxOrder
from payments.providers import ProviderError, from_minor, get_provider
from payments.providers.sandbox import SandboxAttempt


def _sandbox():
    try:
        return get_provider("sandbox")
    except KeyError:
        raise Http404("The sandbox provider is switched off.") from None


def webhook_url(request) -> str:
    return settings.PAYMENTS_SANDBOX_WEBHOOK_URL or request.build_absolute_uri(
        reverse("payments:webhook", kwargs={"provider": "sandbox"})
    )


def deliver_webhook(url: str, attempt: SandboxAttempt) -> None:
    """Send the attempt's webhook the way a provider does: later, from elsewhere, with retries."""
    from payments.tasks import sandbox_webhook_deliver

    args = (url, attempt.webhook_body.decode(), attempt.webhook_headers["X-Razorpay-Event-Id"])
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # In-process tasks would post to this very server from inside this request.
        threading.Thread(target=sandbox_webhook_deliver.apply, args=(args,), daemon=True).start()
    else:
        sandbox_webhook_deliver.delay(*args)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def checkout(request, order_id: str):
    provider = _sandbox()
    order = SandboxOrder.objects.filter(order_id=order_id).first()
    if order is None:
        raise Http404("No such sandbox order.")
    payment = Payment.objects.filter(provider="sandbox", provider_order_id=order_id).first()
    context = {
        "order": order,
        "amount": from_minor(order.amount_minor),
        "payment": payment,
        "attempt": None,
        "error": "",
    }
    if request.method == "POST":
        choice = request.POST.get("action") or request.GET.get("action")
        if choice not in ("pay", "fail"):
            return _reply(request, context | {"error": "Choose pay or fail."}, status=400)
        try:
            attempt = provider.pay(order_id=order_id, succeed=choice == "pay")
        except ProviderError as exc:
            return _reply(request, context | {"error": str(exc)}, status=409)
        deliver_webhook(webhook_url(request), attempt)
        order.refresh_from_db()
        context |= {"attempt": attempt, "order": order}
    return _reply(request, context)


def _reply(request, context: dict, status: int = 200):
    if _wants_json(request):
        attempt = context["attempt"]
        body = {"order_id": context["order"].order_id, "order_status": context["order"].status}
        if context["error"]:
            body["error"] = context["error"]
        if attempt is not None:
            body |= {"captured": attempt.captured, **attempt.confirmation}
        return JsonResponse(body, status=status)
    return render(request, "payments/sandbox_checkout.html", context, status=status)
