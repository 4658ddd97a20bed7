from lending.services.imports.customers import customers_import
from lending.services.imports.interactions import interactions_import
from lending.services.imports.jobs import import_job_expire, import_job_run, import_submit
from lending.services.imports.report import ImportReport

__all__ = [
    "ImportReport",
    "customers_import",
    "import_job_expire",
    "import_job_run",
    "import_submit",
    "interactions_import",
]
