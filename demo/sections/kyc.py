"""Identity KYC (seeds 000/001): end users whose Aadhaar, PAN, business and bank records are
in every state, submitted and confirmed through the KYC services (so the vault encrypts
the numbers), and decided by an administrator where a person decides."""

from datetime import date, timedelta

from django.apps import apps
from django.core.exceptions import ValidationError

from accounts.models import User
from demo.context import Account, Demo
from demo.delivery import latest_code
from demo.identities import (
    CITIES,
    aadhaar_number,
    bank_account,
    gstin_number,
    indian_mobile,
    pan_number,
    person,
)
from demo.people import account
from kyc.models import BankAccountType, BusinessType, KycRecord, KycStatus
from kyc.services import (
    kyc_approve,
    kyc_confirm_with_code,
    kyc_reject,
    kyc_request_resubmission,
    submit_aadhaar,
    submit_bank,
    submit_business,
    submit_pan,
)

# Public branch codes, for when no IFSC directory is loaded.
FALLBACK_IFSC = ("SBIN0000300", "HDFC0000060", "ICIC0000011", "UTIB0000004")
# What happens to each person's records, in turn.
SCENARIOS = (
    "merchant",
    "pending",
    "review",
    "rejected",
    "resubmission",
    "expired",
    "pan_approved",
    "bank_review",
)


def _ifsc_codes() -> tuple[str, ...]:
    """A few branch codes from the IFSC directory when there is one, else public ones."""
    try:
        model = apps.get_model("kyc", "IfscBranch")
    except LookupError:
        return FALLBACK_IFSC
    names = {field.name for field in model._meta.get_fields()}
    column = next((name for name in ("ifsc", "code", "ifsc_code") if name in names), None)
    if column is None:
        return FALLBACK_IFSC
    codes = tuple(model.objects.order_by(column).values_list(column, flat=True)[:4])
    return codes or FALLBACK_IFSC


class _Person:
    def __init__(self, demo: Demo, user: User, serial: int, rng):
        self.demo, self.user, self.serial, self.rng = demo, user, serial, rng
        self.dob = date(1975, 1, 1) + timedelta(days=rng.randint(0, 25 * 365))
        self.pan = pan_number(rng, surname=user.last_name)
        city, state, _ = rng.choice(CITIES)
        self.address = f"{rng.randint(1, 300)}, {city}, {state}"

    def confirm(self, submission) -> KycRecord:
        code = latest_code(self.user.mobile)
        return kyc_confirm_with_code(user=self.user, request_id=submission.challenge.pk, otp=code)

    def aadhaar(self, *, name: str | None = None, confirm: bool = True) -> KycRecord:
        submission = submit_aadhaar(
            user=self.user,
            aadhaar_number=aadhaar_number(self.serial),
            name=name or self.user.name,
            dob=self.dob,
            gender=self.rng.choice(["male", "female"]),
            address=self.address,
        )
        return self.confirm(submission) if confirm else submission.record

    def pan_record(self, *, name: str | None = None) -> KycRecord:
        submission = submit_pan(
            user=self.user, pan_number=self.pan, name=name or self.user.name, dob=self.dob
        )
        return self.confirm(submission)

    def business(self) -> KycRecord:
        submission = submit_business(
            user=self.user,
            business_name=f"{self.user.last_name} Traders",
            business_type=BusinessType.SOLE_PROPRIETORSHIP,
            registration_number=f"UDYAM-MH-{self.serial:02d}-{self.serial:07d}",
            registration_date=date(2018, 4, 1),
            gst_number=gstin_number(self.pan),
            address=self.address,
        )
        return self.confirm(submission)

    def bank(self, ifsc: str, *, name: str | None = None) -> KycRecord | None:
        try:
            submission = submit_bank(
                user=self.user,
                account_holder_name=name or self.user.name,
                account_number=bank_account(self.serial),
                ifsc_code=ifsc,
                account_type=BankAccountType.SAVINGS,
            )
        except ValidationError as exc:
            if "ifsc_code" in getattr(exc, "message_dict", {}):
                return None  # the directory does not know the branch: no bank record
            raise
        return self.confirm(submission)


def _reviewer(demo: Demo) -> User:
    return User.objects.filter(username="demo_ops_admin").first() or demo.admin


def _decide_for_review(record: KycRecord) -> bool:
    return record.status == KycStatus.PENDING_REVIEW


def _play(demo: Demo, who: _Person, scenario: str, ifsc: str) -> None:
    reviewer = _reviewer(demo)
    alias = f"{who.rng.choice(['R.', 'S.', 'K.'])} {who.rng.choice(['Bhatt', 'Gill', 'Roy'])}"
    if scenario == "merchant":
        who.aadhaar()
        who.pan_record()
        who.business()
        who.bank(ifsc)
    elif scenario == "pending":
        who.aadhaar(confirm=False)
    elif scenario == "review":
        who.aadhaar(name=alias)
    elif scenario == "rejected":
        record = who.aadhaar(name=alias)
        if _decide_for_review(record):
            kyc_reject(
                record_id=record.pk,
                reviewer=reviewer,
                reason="The name does not match the account holder.",
            )
    elif scenario == "resubmission":
        record = who.aadhaar(name=alias)
        if _decide_for_review(record):
            kyc_request_resubmission(
                record_id=record.pk, reviewer=reviewer, reason="The photo copy is not readable."
            )
    elif scenario == "expired":
        # A second submission before the first was confirmed replaces it.
        who.aadhaar(confirm=False)
        who.aadhaar(confirm=False)
    elif scenario == "pan_approved":
        who.aadhaar()
        record = who.pan_record(name=alias)
        if _decide_for_review(record):
            kyc_approve(record_id=record.pk, reviewer=reviewer, note="Checked against the card.")
    elif scenario == "bank_review":
        who.aadhaar()
        who.bank(ifsc, name=alias)


def run(demo: Demo) -> None:
    ifsc_codes = _ifsc_codes()
    made = 0
    people = range(1, demo.size.kyc_people + 1)
    for n in demo.progress(people, desc="kyc", unit="person"):
        rng = demo.rng(f"kyc-{n}")
        first, last = person(rng)
        scenario = SCENARIOS[(n - 1) % len(SCENARIOS)]
        user, _ = account(
            demo,
            login=f"demo_kyc{n}",
            first_name=first,
            last_name=last,
            mobile=indian_mobile(40, n),
            # Password hashing is deliberately slow: one person per scenario signs in.
            with_password=n <= len(SCENARIOS),
            roles=("merchant" if scenario == "merchant" else "user",),
        )
        if KycRecord.objects.filter(user=user).exists():
            continue
        _play(demo, _Person(demo, user, n, rng), scenario, ifsc_codes[n % len(ifsc_codes)])
        made += 1
    demo.show(
        Account(
            "Merchant (KYC verified)", "demo_kyc1", demo.email("demo_kyc1"), "seeds 000/001", False
        )
    )
    demo.show(
        Account(
            "End user (KYC pending)", "demo_kyc2", demo.email("demo_kyc2"), "seeds 000/001", False
        )
    )
    demo.note(f"kyc: {demo.size.kyc_people} people ({made} made now), records in every state")
