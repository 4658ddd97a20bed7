"""Reports over ISP billing: invoices, collections and reseller statements, each scoped to
the caller's organization tree."""

from billing import isp_selectors
from reports.registry import Column, Filter, Report, register

register(
    Report(
        slug="isp-invoices-report",
        title="ISP invoices",
        source=isp_selectors.invoices_visible_to,
        columns=(
            Column("invoice_id", "id"),
            Column("number", "number"),
            Column("organization_code", "organization__company_code"),
            Column("subscriber_id", "subscriber_id"),
            Column("subscriber_name", "subscriber__name"),
            Column("pppoe_username", "subscriber__pppoe_username"),
            Column("period_start", "period_start"),
            Column("period_end", "period_end"),
            Column("due_date", "due_date"),
            Column("total", "total", money=True),
            Column("amount_paid", "amount_paid", money=True),
            Column("status", "status"),
            Column("paid_at", "paid_at"),
            Column("created_at", "created_at"),
        ),
        filters={
            "organization_ids": Filter("organization_id__in", "ids"),
            "subscriber_ids": Filter("subscriber_id__in", "ids"),
            "statuses": Filter("status__in", "strings"),
            "due_from": Filter("due_date__gte", "date"),
            "due_to": Filter("due_date__lte", "date"),
        },
        orderings={
            "created_at": "created_at",
            "due_date": "due_date",
            "period_start": "period_start",
            "total": "total",
        },
        default_order="due_date",
        permission="billing.view_ispinvoice",
    )
)

register(
    Report(
        slug="isp-collections-report",
        title="ISP collections",
        source=isp_selectors.payments_visible_to,
        columns=(
            Column("payment_id", "id"),
            Column("receipt_number", "receipt_number"),
            Column("organization_code", "organization__company_code"),
            Column("subscriber_id", "subscriber_id"),
            Column("subscriber_name", "subscriber__name"),
            Column("amount", "amount", money=True),
            Column("unallocated", "unallocated", money=True),
            Column("method", "method"),
            Column("reference", "reference"),
            Column("collected_by", "collected_by__username"),
            Column("received_at", "received_at"),
        ),
        filters={
            "organization_ids": Filter("organization_id__in", "ids"),
            "subscriber_ids": Filter("subscriber_id__in", "ids"),
            "methods": Filter("method__in", "strings"),
            "collector_ids": Filter("collected_by_id__in", "ids"),
        },
        orderings={"received_at": "received_at", "amount": "amount"},
        default_order="received_at",
        date_field="received_at",
        permission="billing.view_isppayment",
    )
)

register(
    Report(
        slug="isp-reseller-statement-report",
        title="Reseller statements",
        source=isp_selectors.ledger_entries_visible_to,
        columns=(
            Column("entry_id", "id"),
            Column("organization_id", "account__organization_id"),
            Column("organization_code", "account__organization__company_code"),
            Column("kind", "kind"),
            Column("amount", "amount", money=True),
            Column("balance_after", "balance_after", money=True),
            Column("subscriber_id", "subscriber_id"),
            Column("invoice_id", "invoice_id"),
            Column("description", "description"),
            Column("created_at", "created_at"),
        ),
        filters={
            "organization_ids": Filter("account__organization_id__in", "ids"),
            "kinds": Filter("kind__in", "strings"),
        },
        orderings={"created_at": "created_at", "entry_id": "id", "amount": "amount"},
        default_order="created_at",
        permission="billing.view_reselleraccount",
    )
)
