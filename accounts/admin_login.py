"""The Django admin's sign-in: the password, then the one-time code, as at the API.

Signing in to the admin also signs in to the API (session authentication), so
it asks for the same second factor: a staff account that gives a right
password without a code gets a code by e-mail or SMS and the form back.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from accounts.errors import OtpError
from accounts.models import OtpPurpose
from accounts.services.login import second_factor_required
from accounts.services.otp import otp_issue, otp_verify

PENDING_KEY = "accounts.admin_login_challenge"


class AdminLoginForm(AdminAuthenticationForm):
    otp = forms.CharField(
        label="One-time code",
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=(
            "Sent to your e-mail address or phone once your password is right; "
            "leave it empty to have a new one sent."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not second_factor_required(user):
            return cleaned
        session = self.request.session
        pending = session.get(PENDING_KEY) or {}
        code = (cleaned.get("otp") or "").strip()
        if not code or pending.get("user") != user.pk:
            self._send_code(user)
        try:
            challenge = otp_verify(
                request_id=pending["challenge"], code=code, purposes={OtpPurpose.LOGIN}
            )
        except OtpError as exc:
            raise ValidationError(str(exc.detail), code=exc.get_codes()) from None
        if challenge.user_id != user.pk:
            raise ValidationError("The code is not valid.", code="otp_invalid")
        session.pop(PENDING_KEY, None)
        return cleaned

    def _send_code(self, user) -> None:
        if not (user.email or user.mobile):
            raise ValidationError(
                "This account has nowhere to send a sign-in code; ask another administrator "
                "to add an e-mail address or a mobile number.",
                code="second_factor_unavailable",
            )
        challenge = otp_issue(
            purpose=OtpPurpose.LOGIN,
            user=user,
            email=user.email,
            mobile=user.mobile,
            payload={"admin": True},
        )
        self.request.session[PENDING_KEY] = {"user": user.pk, "challenge": str(challenge.pk)}
        raise ValidationError(
            "A sign-in code has been sent to your e-mail address or phone: "
            "enter it below with your password.",
            code="otp_sent",
        )
