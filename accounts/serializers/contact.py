"""The proof a change of one's own e-mail address or mobile number carries."""

from rest_framework import serializers

from accounts.serializers.auth import OTP, PASSWORD, MobileField

PROOF_FIELDS = ("current_password", "request_id", "otp")


class ContactProofFields(serializers.Serializer):
    """Either the current password, or the request id and code sent to the new address."""

    current_password = serializers.CharField(
        required=False,
        help_text="Needed to change one's own e-mail address or mobile number (or a code).",
        **PASSWORD,
    )
    request_id = serializers.UUIDField(
        required=False, help_text="From POST /api/v1/user/me/contact-code, for the new address."
    )
    otp = serializers.CharField(
        required=False, help_text="The code sent to the new address or number.", **OTP
    )


def split_proof(data: dict) -> tuple[dict, dict]:
    """The request's changes, and its proof fields (for `contact_proof`)."""
    changes = {key: value for key, value in data.items() if key not in PROOF_FIELDS}
    proof = {key: data[key] for key in PROOF_FIELDS if data.get(key)}
    return changes, proof


class ContactCodeSerializer(serializers.Serializer):
    """The new address or number a code should go to (one of them)."""

    email = serializers.EmailField(required=False, max_length=254)
    phone_number = MobileField(required=False, max_length=32)

    def validate(self, attrs):
        if bool(attrs.get("email")) == bool(attrs.get("phone_number")):
            raise serializers.ValidationError(
                {"email": ["Give the new e-mail address or the new phone_number (one of them)."]}
            )
        return attrs
