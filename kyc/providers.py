"""Verification providers: who decides how far a confirmed submission can be trusted.

`KYC_VERIFICATION_PROVIDER` (a dotted path, default the built-in provider) picks
the class, so a UIDAI, NSDL or penny-drop integration can replace it without
touching the rest. A provider returns a score from 0 to 100 and the checks that
made it; `KYC_AUTO_VERIFY_THRESHOLD` decides what is verified at once and what
goes to a person. Check results never carry the numbers themselves.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from kyc import validators, vault
from kyc.crypto import DecryptionError
from kyc.models import KycKind, KycRecord

DEFAULT_PROVIDER = "kyc.providers.BuiltinProvider"
DEFAULT_THRESHOLD = 80


def auto_verify_threshold() -> int:
    return int(getattr(settings, "KYC_AUTO_VERIFY_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class Check:
    """One piece of evidence; `score` from 0 to 1, or None when it could not be checked."""

    name: str
    weight: int
    score: float | None
    # A critical check that fails outright caps the score below any sane threshold.
    critical: bool = False

    def as_dict(self) -> dict:
        return {
            "check": self.name,
            "weight": self.weight,
            "score": None if self.score is None else round(self.score, 2),
        }


@dataclass(frozen=True)
class VerificationResult:
    score: int
    checks: tuple[Check, ...]


class VerificationProvider:
    """Interface. `related` holds the person's other live records, by kind."""

    name = "base"

    def verify(self, record: KycRecord, *, related: Mapping[str, KycRecord]) -> VerificationResult:
        raise NotImplementedError


def get_provider() -> VerificationProvider:
    return import_string(getattr(settings, "KYC_VERIFICATION_PROVIDER", DEFAULT_PROVIDER))()


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "shri", "sri", "smt", "kumari", "m/s"}


def _name_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    tokens = re.sub(r"[^a-z\s]", " ", text).split()
    return [t for t in tokens if t not in _HONORIFICS]


def name_similarity(a: str, b: str) -> float | None:
    """How alike two personal names are, 0 to 1, ignoring case, order and titles.

    A name that contains the other whole ("John Doe" in "John Michael Doe") counts
    as a match: documents often drop a middle name.
    """
    left, right = _name_tokens(a), _name_tokens(b)
    if not left or not right:
        return None
    small, large = sorted((set(left), set(right)), key=len)
    if len(small) >= 2 and small <= large:
        return 1.0
    return difflib.SequenceMatcher(None, " ".join(sorted(left)), " ".join(sorted(right))).ratio()


def name_agreement(a: str, b: str) -> float | None:
    """Similarity turned into evidence: half-alike names are no evidence at all."""
    similarity = name_similarity(a, b)
    return None if similarity is None else max(0.0, (similarity - 0.5) * 2)


class BuiltinProvider(VerificationProvider):
    """Offline checks: the stored number is intact, and the documents agree.

    Score = 40 for intact formats + 60 x the weighted agreement of the cross-checks
    that apply. With no cross-check possible yet, agreement counts as one half, so
    a lone document with nothing to compare goes to a person. A flat contradiction
    (another date of birth, a GSTIN of another PAN) caps the score at 50.
    """

    name = "builtin"
    FORMAT_WEIGHT = 40
    CRITICAL_CAP = 50

    def verify(self, record: KycRecord, *, related: Mapping[str, KycRecord]) -> VerificationResult:
        fmt = Check("format_valid", self.FORMAT_WEIGHT, self._format_score(record))
        cross = tuple(getattr(self, f"_checks_{record.kind}")(record, related))
        applicable = [c for c in cross if c.score is not None]
        total = sum(c.weight for c in applicable)
        agreement = sum(c.weight * c.score for c in applicable) / total if total else 0.5
        score = fmt.score * self.FORMAT_WEIGHT + (100 - self.FORMAT_WEIGHT) * agreement
        if any(c.critical and c.score == 0 for c in cross):
            score = min(score, self.CRITICAL_CAP)
        if fmt.score == 0:
            score = 0  # a number that does not survive decryption proves nothing
        return VerificationResult(score=max(0, min(100, round(score))), checks=(fmt, *cross))

    def _format_score(self, record: KycRecord) -> float:
        """The sealed number still decrypts, is valid, and matches its blind index."""
        try:
            number = vault.record_number_reveal(record)
            if record.kind == KycKind.AADHAAR:
                ok = vault.aadhaar_index(validators.normalize_aadhaar(number)) == (
                    record.aadhaar_ref.blind_index
                )
            elif record.kind == KycKind.PAN:
                ok = vault.pan_index(validators.normalize_pan(number)) == record.number_index
            elif record.kind == KycKind.BANK:
                account = validators.normalize_bank_account(number)
                ok = vault.bank_account_index(record.ifsc, account) == record.number_index
            elif number:
                ok = vault.gstin_index(validators.normalize_gstin(number)) == record.number_index
            else:
                ok = True  # a business may have no GSTIN
        except (DecryptionError, ValidationError):
            ok = False
        return 1.0 if ok else 0.0

    @staticmethod
    def _profile_name(record: KycRecord) -> str:
        return record.user.name

    def _name_checks(self, record: KycRecord, related, kinds) -> list[Check]:
        checks = [
            Check(
                "name_matches_profile",
                30,
                name_agreement(record.holder_name, self._profile_name(record)),
            )
        ]
        for kind in kinds:
            other = related.get(kind)
            checks.append(
                Check(
                    f"name_matches_{kind}",
                    30,
                    name_agreement(record.holder_name, other.holder_name) if other else None,
                )
            )
        return checks

    @staticmethod
    def _dob_check(record: KycRecord, other: KycRecord | None, kind: str) -> Check:
        if other is None or other.dob is None or record.dob is None:
            return Check(f"dob_matches_{kind}", 40, None, critical=True)
        return Check(
            f"dob_matches_{kind}", 40, 1.0 if other.dob == record.dob else 0.0, critical=True
        )

    def _checks_aadhaar(self, record, related):
        return [
            *self._name_checks(record, related, [KycKind.PAN]),
            self._dob_check(record, related.get(KycKind.PAN), KycKind.PAN),
        ]

    def _checks_pan(self, record, related):
        return [
            *self._name_checks(record, related, [KycKind.AADHAAR]),
            self._dob_check(record, related.get(KycKind.AADHAAR), KycKind.AADHAAR),
            # The personal KYC step expects a person's PAN, not a company's.
            Check(
                "pan_holder_is_individual",
                20,
                1.0 if record.pan_holder_type == "individual" else 0.0,
            ),
        ]

    def _checks_business(self, record, related):
        pan = related.get(KycKind.PAN)
        if not record.gstin_pan_index or pan is None:
            score = None
        else:
            score = 1.0 if record.gstin_pan_index == pan.number_index else 0.0
        return [Check("gstin_pan_matches_pan", 60, score, critical=True)]

    def _checks_bank(self, record, related):
        identity_names = [
            other.holder_name
            for kind in (KycKind.PAN, KycKind.AADHAAR, KycKind.BUSINESS)
            if (other := related.get(kind)) is not None
        ]
        scores = [
            s for n in identity_names if (s := name_agreement(record.holder_name, n)) is not None
        ]
        return [
            Check(
                "holder_matches_profile",
                30,
                name_agreement(record.holder_name, self._profile_name(record)),
            ),
            # A business account is held in the business's name: any document may match.
            Check("holder_matches_documents", 60, max(scores) if scores else None),
        ]


# What a person is told about a check that let their submission down. Never the numbers,
# and never that another account holds one (that would tell them whose numbers are here).
_EXPLANATIONS = {
    "gstin_pan_matches_pan": {
        0.0: "The PAN inside the GSTIN is not the PAN of your PAN KYC.",
        None: "There is no PAN KYC yet to compare the GSTIN's PAN with.",
    },
    "dob_matches_pan": {0.0: "The date of birth differs from the one on your PAN KYC."},
    "dob_matches_aadhaar": {0.0: "The date of birth differs from the one on your Aadhaar KYC."},
    "pan_holder_is_individual": {0.0: "The PAN is not an individual's PAN."},
    "format_valid": {0.0: "The number could not be checked."},
}
_NAME_CHECKS = (
    "name_matches_profile",
    "name_matches_pan",
    "name_matches_aadhaar",
    "holder_matches_profile",
    "holder_matches_documents",
)
MANUAL_CHECK = "Your details need a manual check by our team."


def review_reason(checks, *, score: int, threshold: int, held_elsewhere: bool = False) -> str:
    """Why a submission waits for a person, in words its owner may read."""
    if held_elsewhere:
        return MANUAL_CHECK
    reasons = []
    by_name = {c["check"]: c["score"] for c in checks}
    for name, texts in _EXPLANATIONS.items():
        if name in by_name and by_name[name] in texts:
            reasons.append(texts[by_name[name]])
    weak = [n for n in _NAME_CHECKS if by_name.get(n) is not None and by_name[n] < 0.5]
    if weak:
        reasons.append("The name does not match your profile or your other documents closely.")
    if not reasons:
        reasons.append(
            f"The automatic checks scored {score} of 100 and {threshold} is needed "
            "to verify without a person."
        )
    return " ".join([*reasons, "A member of our team will review it."])
