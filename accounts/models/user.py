from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.timezone import now

from accounts.choices import AccountStatus, StaffType, SubscriberType
from accounts.phone import normalize_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(username__iexact=username)

    def _build(self, username, email, mobile, password, **extra):
        email = self.normalize_email(email).lower() if email else None
        try:
            mobile = normalize_mobile(mobile) if mobile else None
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from exc
        user = self.model(username=username or None, email=email, mobile=mobile, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def create_user(self, username=None, email=None, password=None, *, mobile=None, **extra):
        user = self._build(username, email, mobile, password, **extra)
        user.full_clean(exclude={"password"})
        user.save(using=self._db)
        return user

    def create_superuser(self, username=None, email=None, password=None, **extra):
        from audit.services import audit_record

        extra.update(is_staff=True, is_superuser=True, user_type=StaffType.SUPER_ADMIN)
        with transaction.atomic(using=self._db):
            user = self.create_user(username, email, password, **extra)
            audit_record(
                action="accounts.superuser_created",
                target=user,
                description="Superuser created from the command line.",
                after={"username": user.username, "email": user.email},
            )
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """One person, whatever door they came in by.

    Email, mobile (E.164) and login id (`username`) are each optional but
    unique when present; at least one of them identifies the account.
    """

    username = models.CharField(
        "login id",
        max_length=150,
        null=True,  # absent is NULL, so uniqueness holds only when present
        blank=True,
        unique=True,
        validators=[UnicodeUsernameValidator()],
    )
    email = models.EmailField(null=True, blank=True)  # noqa: DJ001
    mobile = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)

    employee_id = models.CharField(max_length=50, blank=True)
    designation = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=100, blank=True)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    pincode = models.CharField(max_length=10, blank=True)
    profile_photo = models.URLField(max_length=500, blank=True)
    # Codes of the location reference data (the billing app's districts and thanas,
    # whose ids are the source dataset's codes); accounts depends on no app above it.
    district_code = models.PositiveIntegerField(null=True, blank=True)
    thana_code = models.PositiveIntegerField(null=True, blank=True)
    # Staff set this person's password: they are asked to choose their own.
    is_first_login = models.BooleanField(default=False)

    user_type = models.CharField(max_length=32, choices=StaffType.choices, blank=True)
    subscriber_type = models.CharField(max_length=16, choices=SubscriberType.choices, blank=True)

    status = models.CharField(
        max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    blocked_until = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    is_staff = models.BooleanField(default=False)
    is_email_verified = models.BooleanField(default=False)
    is_phone_verified = models.BooleanField(default=False)
    two_factor_enabled = models.BooleanField(default=False)
    language_preference = models.CharField(max_length=10, default="en")
    timezone = models.CharField(max_length=64, default="UTC")

    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="The manager this person reports to (collections teams).",
    )
    approved_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    referral_code = models.CharField(max_length=12, null=True, blank=True, unique=True)
    referred_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )

    date_joined = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(fields=["mobile"], name="user_mobile_unique"),
            models.CheckConstraint(
                condition=models.Q(username__isnull=False)
                | models.Q(email__isnull=False)
                | models.Q(mobile__isnull=False),
                name="user_has_an_identifier",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AccountStatus.values),
                name="user_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(user_type__in=[*StaffType.values, ""]),
                name="user_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(subscriber_type__in=[*SubscriberType.values, ""]),
                name="user_subscriber_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_until__isnull=True)
                | models.Q(status=AccountStatus.BLOCKED),
                name="user_blocked_until_only_when_blocked",
            ),
        ]
        indexes = [models.Index(fields=["status", "user_type"])]
        permissions = [
            ("approve_user", "Can approve accounts waiting for approval"),
            ("block_user", "Can block and unblock accounts"),
            ("export_user", "Can export the list of accounts"),
            ("view_login_activity", "Can view anyone's login activity"),
        ]

    def __str__(self) -> str:
        return self.username or self.email or self.mobile or f"user {self.pk}"

    @property
    def login_id(self) -> str | None:
        return self.username

    @property
    def name(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def is_active(self) -> bool:
        """Whether the account may sign in and use its tokens now.

        A block with `blocked_until` lifts by itself once that time passes,
        without waiting for a job to flip the status.
        """
        if self.status == AccountStatus.ACTIVE:
            return True
        if self.status == AccountStatus.BLOCKED and self.blocked_until is not None:
            return self.blocked_until <= now()
        return False

    @property
    def is_deactivated(self) -> bool:
        """Switched off by its owner: may sign in, but only to switch back on."""
        return self.status == AccountStatus.DEACTIVATED

    def clean(self):
        super().clean()
        if self.email:
            self.email = self.__class__.objects.normalize_email(self.email).lower()
        if self.username == "":
            self.username = None
        if self.email == "":
            self.email = None
        if self.mobile:
            try:
                self.mobile = normalize_mobile(self.mobile)
            except ValidationError as exc:
                raise ValidationError({"mobile": exc.messages}) from exc
        elif self.mobile == "":
            self.mobile = None
