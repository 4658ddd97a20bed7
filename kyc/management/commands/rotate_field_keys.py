from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

from config.progress import ProgressCommand
from kyc.crypto import DecryptionError, active_key_id
from kyc.services import field_keys_pending, field_keys_rotate


class Command(ProgressCommand):
    help = (
        "Re-encrypt every stored identity number (the Aadhaar vault and the PAN, GSTIN and bank "
        "account numbers of KYC records) under FIELD_ENCRYPTION_ACTIVE_KEY. Runs in batches, "
        "each its own transaction with an audit event; safe to stop and run again. Keep the old "
        "key configured until this reports nothing left to move."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what is not yet under the key."
        )

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            key_id = active_key_id()
            pending = field_keys_pending(key_id=key_id)
            if dry_run:
                self.stdout.write(
                    f"Not yet under key {key_id}: {pending['vault_entries']} vault entries, "
                    f"{pending['records']} record numbers."
                )
                return
            total = pending["vault_entries"] + pending["records"]
            with self.progress(total=total, desc="re-encrypting", unit="value") as bar:
                result = field_keys_rotate(batch_size=batch_size, on_progress=bar.update)
        except (DecryptionError, ImproperlyConfigured) as exc:
            # Messages of both name key ids at most, never key material or plaintext.
            raise CommandError(f"Rotation stopped: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {result.vault_entries} vault entries and {result.records} record "
                f"numbers under key {result.key_id}."
            )
        )
