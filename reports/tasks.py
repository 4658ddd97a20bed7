from celery import shared_task

from reports.services import export_run


@shared_task(ignore_result=True)
def run_export(export_id: str) -> None:
    export_run(export_id=export_id)
