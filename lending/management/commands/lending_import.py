import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import CommandError
from rest_framework.exceptions import APIException

from accounts.models import AccountStatus, User
from config.progress import ProgressCommand
from lending.selectors import lending_role
from lending.serializers.imports import ImportReplySerializer
from lending.services.imports.customers import customers_import_file
from lending.services.imports.interactions import interactions_import_file
from lending.services.imports.limits import rows_check, rows_count, size_check
from lending.services.imports.report import ImportReport, upload_decode

IMPORTERS = {"customers": customers_import_file, "interactions": interactions_import_file}


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc.detail) if isinstance(exc, APIException) else str(exc)


class Command(ProgressCommand):
    help = (
        "Import customers or interactions from a CSV file, with the same checks and report as "
        "POST /api/v1/customers/bulk/upload/ and /interactions/bulk/upload/ (in this process, "
        "whatever the file's size, within IMPORT_MAX_BYTES and IMPORT_MAX_ROWS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument(
            "file", help="Path of the CSV file (UTF-8, the first row names the columns)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save nothing.")
        parser.add_argument(
            "--uploader",
            help=(
                "Login id of the collections staff member the rows are imported as (it decides "
                "which officers may be assigned). Default: the only active superuser."
            ),
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the report as the API's JSON reply."
        )

    def handle(self, *args, kind: str, file: str, dry_run: bool, uploader, json: bool, **options):
        actor = self._uploader(uploader)
        path = Path(file)
        try:
            with path.open("rb") as handle:
                upload = File(handle, name=path.name)
                size_check(upload.size)
                rows = rows_count(upload)
                rows_check(rows)
                handle.seek(0)
                content = upload_decode(handle.read(), name=path.name)
            with self.progress(total=rows, desc=kind, unit="row") as bar:
                report = IMPORTERS[kind](
                    actor=actor,
                    file=content,
                    dry_run=dry_run,
                    progress=lambda done: bar.update(done - bar.n),
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        except (ValidationError, APIException) as exc:
            raise CommandError(_message(exc)) from None
        self._print(report, as_json=json)

    def _uploader(self, login: str | None) -> User:
        if login:
            user = User.objects.filter(username__iexact=login).first()
            if user is None:
                raise CommandError(f"No user with login id {login!r}.")
        else:
            superusers = list(
                User.objects.filter(is_superuser=True, status=AccountStatus.ACTIVE)[:2]
            )
            if len(superusers) != 1:
                raise CommandError("Name the uploader with --uploader LOGIN.")
            user = superusers[0]
        # The rule the upload endpoints and the background jobs apply.
        if user.status != AccountStatus.ACTIVE or lending_role(user) is None:
            raise CommandError(f"{user} may not import: not active collections staff.")
        return user

    def _print(self, report: ImportReport, *, as_json: bool) -> None:
        body = ImportReplySerializer(
            {**report.__dict__, "errors_truncated": report.errors_truncated}
        ).data
        if as_json:
            self.stdout.write(json.dumps(body, indent=2))
            return
        verb = "would be created" if report.dry_run else "created"
        self.stdout.write(
            f"Rows: {report.rows_total}; {report.records_valid if report.dry_run else report.records_created} "
            f"{verb}, {report.records_skipped} skipped (imported before), "
            f"{report.error_count} with errors."
        )
        for error in body["errors"]:
            column = f" [{error['column']}]" if error["column"] else ""
            self.stdout.write(f"  row {error['row']}{column}: {error['message']}")
        if report.errors_truncated:
            self.stdout.write(f"  ... and {report.error_count - len(body['errors'])} more.")
        if report.batch_id is not None:
            self.stdout.write(f"Import batch {report.batch_id}.")
