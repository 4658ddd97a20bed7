"""Packages and their tier prices, scoped to the organizations an actor manages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.services import audit_record
from billing.models import IspPackage, IspPackageTierPrice, Organization
from billing.services.organizations import scope_root

PACKAGE_FIELDS = (
    "name",
    "code",
    "download_mbps",
    "upload_mbps",
    "price",
    "validity_kind",
    "validity_days",
    "billing_mode",
    "is_active",
)
CODE_TAKEN = "This organization has a package with this code already."


def check_in_scope(actor, organization: Organization) -> None:
    """Refuse an actor working on an organization outside the tree they manage."""
    if actor is None:
        return  # the scheduled jobs
    root = scope_root(actor)
    if root is not None and not organization.path.startswith(root.path):
        raise PermissionDenied("This organization is outside your own.")


def package_sellable_by(package: IspPackage, organization: Organization) -> bool:
    """An active package of the organization or one above it, offered to its branch."""
    if not package.is_active or not organization.path.startswith(package.organization.path):
        return False
    sellers = list(package.sellers.values_list("path", flat=True))
    return not sellers or any(organization.path.startswith(path) for path in sellers)


def _snapshot(package: IspPackage) -> dict:
    data = {name: getattr(package, name) for name in PACKAGE_FIELDS}
    data["price"] = str(package.price)
    data["sellers"] = sorted(package.sellers.values_list("pk", flat=True))
    data["tier_prices"] = {row.tier: str(row.price) for row in package.tier_prices.order_by("tier")}
    return data


def _validate(package: IspPackage) -> None:
    if package.validity_kind == "monthly":
        package.validity_days = None
    elif not package.validity_days:
        raise ValidationError({"validity_days": ["Give the number of days for a days package."]})
    taken = IspPackage.objects.filter(organization=package.organization, code=package.code)
    if package.pk:
        taken = taken.exclude(pk=package.pk)
    if taken.exists():
        raise ValidationError({"code": [CODE_TAKEN]})


def _check_sellers(package: IspPackage, sellers: list[Organization]) -> None:
    outside = [o.company_code for o in sellers if not o.path.startswith(package.organization.path)]
    if outside:
        raise ValidationError(
            {"sellers": [f"Not below the package's organization: {', '.join(outside)}."]}
        )


def _set_tier_prices(package: IspPackage, tier_prices: list[dict]) -> None:
    tiers = [row["tier"] for row in tier_prices]
    if len(set(tiers)) != len(tiers):
        raise ValidationError({"tier_prices": ["Give each tier at most once."]})
    package.tier_prices.exclude(tier__in=tiers).delete()
    for row in tier_prices:
        IspPackageTierPrice.objects.update_or_create(
            package=package, tier=row["tier"], defaults={"price": row["price"]}
        )


def _save(package: IspPackage, **kwargs) -> None:
    try:
        with transaction.atomic():
            package.save(**kwargs)
    except IntegrityError as exc:  # a concurrent package with the same code
        raise ValidationError({"code": [CODE_TAKEN]}) from exc


def package_create(*, actor, fields: dict) -> IspPackage:
    organization = fields["organization"]
    check_in_scope(actor, organization)
    with transaction.atomic():
        package = IspPackage(
            organization=organization,
            **{name: fields[name] for name in PACKAGE_FIELDS if name in fields},
        )
        _validate(package)
        sellers = list(fields.get("sellers") or [])
        _check_sellers(package, sellers)
        _save(package, force_insert=True)
        package.sellers.set(sellers)
        _set_tier_prices(package, fields.get("tier_prices") or [])
        audit_record(
            action="billing.isp_package_created",
            actor=actor,
            target=package,
            after=_snapshot(package),
        )
    return package


def package_update(*, package: IspPackage, actor, changes: dict) -> IspPackage:
    with transaction.atomic():
        package = IspPackage.objects.select_for_update().get(pk=package.pk)
        check_in_scope(actor, package.organization)
        if "organization" in changes and changes["organization"] != package.organization:
            raise ValidationError({"organization": ["A package stays with its organization."]})
        before = _snapshot(package)
        for name in PACKAGE_FIELDS:
            if name in changes:
                setattr(package, name, changes[name])
        _validate(package)
        _save(package)
        if "sellers" in changes:
            sellers = list(changes["sellers"] or [])
            _check_sellers(package, sellers)
            package.sellers.set(sellers)
        if "tier_prices" in changes:
            _set_tier_prices(package, changes["tier_prices"] or [])
        after = _snapshot(package)
        changed = [name for name in after if before[name] != after[name]]
        if changed:
            audit_record(
                action="billing.isp_package_updated",
                actor=actor,
                target=package,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
    return package
