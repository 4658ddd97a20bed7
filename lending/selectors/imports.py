from django.db.models import QuerySet

from lending.models import ImportBatch
from lending.selectors.scope import LendingRole, lending_role


def import_jobs_for(user) -> QuerySet[ImportBatch]:
    """The imports `user` may follow: their own uploads, or every one for a lending admin.

    Anyone else's job is a 404, as any object outside the caller's view is.
    """
    queryset = ImportBatch.objects.select_related("uploaded_by")
    role = lending_role(user)
    if role is LendingRole.ADMIN:
        return queryset
    if role is None:
        return queryset.none()
    return queryset.filter(uploaded_by=user)
