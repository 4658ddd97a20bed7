from lending.services.imports.customers import customers_import
from lending.services.imports.interactions import interactions_import
from lending.services.imports.report import ImportReport

__all__ = ["ImportReport", "customers_import", "interactions_import"]
