"""Background jobs of ISP billing; each calls a service."""

from celery import shared_task

from billing.services.isp_invoicing import invoices_generate
from billing.services.isp_lifecycle import isp_lifecycle_run


@shared_task(name="billing.tasks.isp_invoices_generate")
def isp_invoices_generate_task() -> dict:
    return invoices_generate()


@shared_task(name="billing.tasks.isp_lifecycle_run")
def isp_lifecycle_run_task() -> dict:
    return isp_lifecycle_run()
