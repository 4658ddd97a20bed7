"""Reads of the payments app."""

from django.db.models import QuerySet

from payments.models import Payment, Refund


def payments() -> QuerySet[Payment]:
    return Payment.objects.select_related("user")


def payments_visible_to(user) -> QuerySet[Payment]:
    """Staff who may view payments see all of them; everyone else sees their own."""
    if user.has_perm("payments.view_payment"):
        return payments()
    return payments().filter(user=user)


def refunds_of(payment: Payment) -> QuerySet[Refund]:
    return payment.refunds.order_by("pk")
