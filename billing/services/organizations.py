"""Organizations: create, change, move, archive and restore, each audited."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from billing.models import (
    CHILD_TIER,
    SHARE_FIELDS,
    Organization,
)
from billing.selectors import (
    has_unrestricted_scope,
    organization_dependants,
    user_organization,
)
from billing.settings_schema import SCHEMAS
from config.exceptions import Conflict

# Fields a client may write.
WRITABLE_FIELDS = (
    "company_name",
    "company_code",
    "business_license",
    "vat_registration",
    "address",
    "contact_email",
    "contact_phone",
    "website",
    "organization_type",
    "tier",
    "parent",
    "revenue_sharing_enabled",
    *SHARE_FIELDS,
    "billing_settings",
    "sync_settings",
)
# What the organization above decides: its own admins may not change these.
DECIDED_ABOVE = ("parent", "tier", "revenue_sharing_enabled", *SHARE_FIELDS)
CODE_TAKEN = "An organization with this code already exists."


def _snapshot(organization: Organization) -> dict:
    data = {}
    for name in WRITABLE_FIELDS:
        value = getattr(organization, "parent_id" if name == "parent" else name)
        data[name] = str(value) if isinstance(value, Decimal) else value
    return data


def scope_root(actor: User) -> Organization | None:
    """The top of the tree a restricted actor manages; None for unrestricted actors.

    No actor at all is the system itself (scheduled jobs, demo data).
    """
    if actor is None or has_unrestricted_scope(actor):
        return None
    own = user_organization(actor)
    if own is None:
        raise PermissionDenied("You do not belong to an organization.")
    return own


def _check_parent_allowed(root: Organization | None, parent: Organization | None) -> None:
    if root is None:
        return
    if parent is None or not parent.path.startswith(root.path):
        raise ValidationError({"parent": ["Choose your own organization or one below it."]})


def _check_code_free(organization: Organization) -> None:
    taken = Organization.objects.filter(company_code__iexact=organization.company_code)
    if organization.pk:
        taken = taken.exclude(pk=organization.pk)
    if taken.exists():
        raise ValidationError({"company_code": [CODE_TAKEN]})


def lock_organization(organization: Organization | None) -> Organization | None:
    if organization is None:
        return None
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _validate_and_save(organization: Organization, **save_kwargs) -> None:
    # Constraints are checked by clean() with field-named messages, and by the database.
    organization.full_clean(validate_constraints=False)
    _check_code_free(organization)
    try:
        with transaction.atomic():
            organization.save(**save_kwargs)
    except IntegrityError as exc:  # a concurrent insert of the same code
        raise ValidationError({"company_code": [CODE_TAKEN]}) from exc


def _tier_below(parent: Organization | None) -> str:
    tier = CHILD_TIER.get(parent.tier if parent else None)
    if tier is None:
        raise ValidationError({"parent": ["A sub-reseller cannot have organizations below it."]})
    return tier


def organization_create(*, actor: User, fields: dict) -> Organization:
    """Create an organization; restricted actors only below their own."""
    data = {name: value for name, value in fields.items() if name in WRITABLE_FIELDS}
    with transaction.atomic():
        parent = lock_organization(data.get("parent"))
        _check_parent_allowed(scope_root(actor), parent)
        data["parent"] = parent
        if not data.get("tier"):
            data["tier"] = _tier_below(parent)
        for name, schema in SCHEMAS.items():
            data[name] = schema.merged(None, data.get(name))
        organization = Organization(**data, created_by=actor)
        _validate_and_save(organization, force_insert=True)
        organization.path = f"{parent.path if parent else '/'}{organization.pk}/"
        organization.depth = parent.depth + 1 if parent else 0
        organization.save(update_fields=["path", "depth"])
        audit_record(
            action="billing.organization_created",
            actor=actor,
            target=organization,
            after=_snapshot(organization),
        )
    return organization


def organization_update(*, organization: Organization, actor: User, changes: dict) -> Organization:
    """Change an organization; moving it moves its whole subtree in one statement."""
    changes = {name: value for name, value in changes.items() if name in WRITABLE_FIELDS}
    with transaction.atomic():
        organization = lock_organization(organization)
        if organization.is_archived:
            raise Conflict("This organization is archived.")
        root = scope_root(actor)
        if root is not None and not organization.path.startswith(root.path):
            raise PermissionDenied("This organization is outside your own.")
        before = _snapshot(organization)

        if root is not None and organization.pk == root.pk:
            refused = {
                name: ["Only the organization above yours can change this."]
                for name in DECIDED_ABOVE
                if name in changes and changes[name] != getattr(organization, name)
            }
            if refused:
                raise ValidationError(refused)

        old_parent_id = organization.parent_id
        if "parent" in changes:
            new_parent = lock_organization(changes["parent"])
            changes["parent"] = new_parent
            if (new_parent.pk if new_parent else None) != old_parent_id:
                _check_parent_allowed(root, new_parent)
                if not changes.get("tier"):
                    changes["tier"] = _tier_below(new_parent)
        for name, schema in SCHEMAS.items():
            if name in changes:
                changes[name] = schema.merged(getattr(organization, name), changes[name])

        for name, value in changes.items():
            setattr(organization, name, value)
        if organization.tier != before["tier"] and organization_dependants(organization)[1]:
            raise ValidationError(
                {"tier": ["Organizations below this one depend on its tier; move them first."]}
            )
        _validate_and_save(organization)

        if organization.parent_id != old_parent_id:
            _move_subtree(organization)
        after = _snapshot(organization)
        changed = [name for name in WRITABLE_FIELDS if before[name] != after[name]]
        if changed:
            audit_record(
                action="billing.organization_updated",
                actor=actor,
                target=organization,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
    return organization


def _move_subtree(organization: Organization) -> None:
    parent = organization.parent
    old_path = organization.path
    new_path = f"{parent.path if parent else '/'}{organization.pk}/"
    shift = (parent.depth + 1 if parent else 0) - organization.depth
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + shift,
    )
    organization.refresh_from_db(fields=["path", "depth"])


def organization_archive(*, organization: Organization, actor: User) -> Organization:
    """Archive (soft-delete) an organization nobody belongs to and nothing hangs under."""
    with transaction.atomic():
        organization = lock_organization(organization)
        if organization.is_archived:
            return organization
        root = scope_root(actor)
        if root is not None and not organization.path.startswith(root.path):
            raise PermissionDenied("This organization is outside your own.")
        users, children = organization_dependants(organization)
        if users or children:
            still = " and ".join(
                part
                for part in (
                    f"{users} user(s)" if users else "",
                    f"{children} organization(s) below it" if children else "",
                )
                if part
            )
            raise Conflict(
                f"{organization.company_name} still has {still}; "
                "move or remove them before deleting it."
            )
        organization.archived_at = timezone.now()
        organization.archived_by = actor
        organization.save(update_fields=["archived_at", "archived_by", "updated_at"])
        audit_record(
            action="billing.organization_archived",
            actor=actor,
            target=organization,
            before={"archived": False},
            after={"archived": True},
        )
    return organization


def organization_restore(*, organization: Organization, actor: User) -> Organization:
    """Bring an archived organization back, under an organization that is not archived."""
    with transaction.atomic():
        organization = lock_organization(organization)
        if not organization.is_archived:
            return organization
        if organization.parent_id and organization.parent.is_archived:
            raise Conflict("Restore the organization above it first.")
        organization.archived_at = None
        organization.archived_by = None
        organization.save(update_fields=["archived_at", "archived_by", "updated_at"])
        audit_record(
            action="billing.organization_restored",
            actor=actor,
            target=organization,
            before={"archived": True},
            after={"archived": False},
        )
    return organization
