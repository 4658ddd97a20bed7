"""Writes of customers: create, update, delete, each audited in its transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from config.exceptions import Conflict
from lending.models import Customer
from lending.rules import customer_codes_generate
from lending.selectors import default_officer
from lending.services.snapshots import changed, snapshot

_CODE_ATTEMPTS = 5


def _unused_code() -> str:
    for _ in range(_CODE_ATTEMPTS):
        candidates = customer_codes_generate(4)
        taken = set(
            Customer.objects.filter(customer_code__in=candidates).values_list(
                "customer_code", flat=True
            )
        )
        for code in candidates:
            if code not in taken:
                return code
    raise Conflict("Could not generate a free customer code; try again.")


def customer_create(*, actor, data: dict) -> Customer:
    """A new customer; the code is generated when absent, the officer defaults to the caller's."""
    data = dict(data)
    given_code = data.pop("customer_code", None) or None
    data.setdefault("assigned_collection_officer", default_officer(actor))
    now = timezone.now()
    for _ in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                customer = Customer.objects.create(
                    **data,
                    customer_code=given_code or _unused_code(),
                    created_by=actor,
                    created_at=now,
                    updated_at=now,
                )
                audit_record(
                    action="lending.customer_created",
                    actor=actor,
                    target=customer,
                    after=snapshot(customer),
                )
                return customer
        except IntegrityError as exc:
            if given_code or "customer_code" not in str(exc):
                raise ValidationError(
                    {"customer_code": ["A customer with this code already exists."]}
                ) from exc
    raise Conflict("Could not generate a free customer code; try again.")


def customer_update(*, actor, customer: Customer, changes: dict) -> Customer:
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        before = snapshot(customer)
        if "customer_code" in changes and not changes["customer_code"]:
            changes = {key: value for key, value in changes.items() if key != "customer_code"}
        for field, value in changes.items():
            setattr(customer, field, value)
        old, new = changed(before, snapshot(customer))
        if not new:
            return customer
        customer.updated_at = timezone.now()
        try:
            with transaction.atomic():
                customer.save(update_fields=[*new, "updated_at"])
        except IntegrityError as exc:
            raise ValidationError(
                {"customer_code": ["A customer with this code already exists."]}
            ) from exc
        audit_record(
            action="lending.customer_updated", actor=actor, target=customer, before=old, after=new
        )
    return customer


def customer_delete(*, actor, customer: Customer) -> None:
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.loans.exists():
            raise Conflict("The customer has loans; delete or move them first.")
        audit_record(
            action="lending.customer_deleted",
            actor=actor,
            target=customer,
            before=snapshot(customer),
        )
        customer.delete()
