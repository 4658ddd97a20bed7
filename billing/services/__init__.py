"""Writes of the billing app, one function per use case, each in a transaction and audited."""

from billing.services.memberships import membership_remove, membership_set
from billing.services.organizations import (
    CODE_TAKEN,
    DECIDED_ABOVE,
    WRITABLE_FIELDS,
    organization_archive,
    organization_create,
    organization_restore,
    organization_update,
)

__all__ = [
    "CODE_TAKEN",
    "DECIDED_ABOVE",
    "WRITABLE_FIELDS",
    "membership_remove",
    "membership_set",
    "organization_archive",
    "organization_create",
    "organization_restore",
    "organization_update",
]
