"""Prepaid recharge (seed 004): plans and offers, subscribers with wallets filled through
the sandbox payment provider, recharges, autopay mandates, referrals, notifications,
content pages and contact messages."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import SubscriberType, User
from accounts.services.registration import profile_register
from demo.context import Account, Demo
from demo.identities import indian_mobile, person
from demo.people import account
from payments.providers.sandbox import SandboxProvider
from payments.services.inbound import webhook_receive
from recharge.models import (
    Offer,
    OfferType,
    PaymentMethod,
    Plan,
    PlanGroup,
    Transaction,
    Wallet,
)
from recharge.notifications.models import (
    Announcement,
    ContactMessage,
    Content,
    ContentKind,
    MessageCategory,
    RecipientType,
)
from recharge.notifications.services.announcements import announcement_create
from recharge.notifications.services.contacts import contact_submit
from recharge.notifications.services.content import content_create
from recharge.notifications.services.notice_scans import system_notices_scan
from recharge.services.autopay import autopay_create
from recharge.services.catalog import plan_create, plan_group_create
from recharge.services.offers import offer_create, offer_type_create
from recharge.services.purchases import recharge_subscribe, wallet_topup
from recharge.services.referrals import referrals_settle

# group, plan name, subscriber kind, validity (days), price, most popular.
PLANS = (
    ("Unlimited", "Unlimited 1.5GB/day 28 days", SubscriberType.PREPAID, 28, "299.00", True),
    ("Unlimited", "Unlimited 2GB/day 56 days", SubscriberType.PREPAID, 56, "579.00", False),
    ("Unlimited", "Unlimited 2GB/day 84 days", SubscriberType.PREPAID, 84, "839.00", True),
    ("Data Packs", "Data 6GB add-on", SubscriberType.PREPAID, 28, "121.00", False),
    ("Data Packs", "Data 12GB add-on", SubscriberType.PREPAID, 30, "181.00", False),
    ("Talktime", "Talktime 100", SubscriberType.PREPAID, 28, "100.00", False),
    ("Postpaid", "Postpaid 399 family", SubscriberType.POSTPAID, 30, "399.00", True),
    ("Postpaid", "Postpaid 599 unlimited", SubscriberType.POSTPAID, 30, "599.00", False),
)
CONTENT = (
    (ContentKind.BANNER, "Double data weekend", "2GB extra on every Unlimited plan this weekend."),
    (
        ContentKind.FAQ,
        "How do I top up my wallet?",
        "Open Wallet, choose an amount and pay by UPI, card or net banking.",
    ),
    (
        ContentKind.FAQ,
        "When does autopay charge me?",
        "On the due date of each mandate, from your wallet balance.",
    ),
    (
        ContentKind.HELP,
        "Recharge failed but money was taken",
        "A failed recharge gives the money back by itself.",
    ),
    (
        ContentKind.TERMS,
        "Terms of service",
        "These terms apply to every recharge and wallet payment.",
    ),
    (ContentKind.PRIVACY, "Privacy policy", "We keep your data only as long as the law asks."),
    (ContentKind.ABOUT, "About us", "Prepaid and postpaid recharges for every operator."),
)
ANNOUNCEMENTS = (
    (
        RecipientType.ALL_USERS,
        MessageCategory.SERVICE,
        "Scheduled maintenance on Sunday 02:00-03:00 IST.",
    ),
    (RecipientType.PREPAID, MessageCategory.PROMOTIONAL, "Festive offer: 10% off Unlimited plans."),
)
TOPUPS = (Decimal("200.00"), Decimal("500.00"), Decimal("1000.00"), Decimal("2000.00"))


def _catalog(demo: Demo) -> list[Plan]:
    groups = {}
    plans = []
    for group_name, name, kind, validity, price, popular in PLANS:
        if group_name not in groups:
            groups[group_name] = PlanGroup.objects.filter(
                group_name=group_name
            ).first() or plan_group_create(actor=demo.admin, group_name=group_name)
        plan = Plan.objects.filter(plan_name=name).first() or plan_create(
            actor=demo.admin,
            data={
                "plan_name": name,
                "plan_type": kind,
                "group": groups[group_name],
                "validity": validity,
                "price": Decimal(price),
                "most_popular": popular,
                "description": f"{name}, valid {validity} days.",
            },
        )
        plans.append(plan)
    festive = OfferType.objects.filter(offer_type_name="Festive").first() or offer_type_create(
        actor=demo.admin, offer_type_name="Festive"
    )
    welcome = OfferType.objects.filter(offer_type_name="Welcome").first() or offer_type_create(
        actor=demo.admin, offer_type_name="Welcome"
    )
    now = timezone.now()
    if not Offer.objects.filter(offer_name="Festive 10% off").exists():
        offer_create(
            actor=demo.admin,
            data={
                "offer_name": "Festive 10% off",
                "offer_type": festive,
                "offer_validity": 30,
                "discount_type": "percentage",
                "discount_value": Decimal("10.00"),
                "max_discount": Decimal("100.00"),
                "valid_from": now - timedelta(days=1),
                "eligible_plan_ids": [p.pk for p in plans[:3]],
            },
        )
    if not Offer.objects.filter(offer_name="First recharge ₹50 off").exists():
        offer_create(
            actor=demo.admin,
            data={
                "offer_name": "First recharge ₹50 off",
                "offer_type": welcome,
                "offer_validity": 90,
                "discount_type": "flat",
                "discount_value": Decimal("50.00"),
                "min_amount": Decimal("199.00"),
                "first_recharge_only": True,
                "valid_from": now - timedelta(days=1),
            },
        )
    return plans


def _capture(txn: Transaction, *, succeed: bool = True) -> None:
    """Pay at the sandbox checkout; its signed webhook reaches the payments service."""
    attempt = SandboxProvider().pay(order_id=txn.payment.provider_order_id, succeed=succeed)
    webhook_receive(
        provider_name="sandbox", body=attempt.webhook_body, headers=attempt.webhook_headers
    )


def _balance(user: User) -> Decimal:
    return Wallet.objects.filter(user=user).values_list("balance", flat=True).first() or Decimal(0)


def _money(demo: Demo, rng, n: int, user: User, plans: list[Plan]) -> None:
    own = [p for p in plans if p.plan_type == user.subscriber_type and p.price > 0]
    topup = wallet_topup(user=user, amount=rng.choice(TOPUPS), payment_method=PaymentMethod.UPI)
    _capture(topup)
    affordable = [p for p in own if p.price <= _balance(user)]
    if affordable:
        plan = rng.choice(affordable)
        recharge_subscribe(user=user, plan_id=plan.pk, phone_number=user.mobile)
    if n % 3 == 0:
        card = recharge_subscribe(
            user=user,
            plan_id=rng.choice(own).pk,
            phone_number=user.mobile,
            payment_method=PaymentMethod.CARD,
        )
        _capture(card)
    if n % 5 == 0:
        # Left open: the customer never finished paying.
        wallet_topup(user=user, amount=Decimal("300.00"), payment_method=PaymentMethod.NET_BANKING)
    if n % 7 == 0:
        failed = wallet_topup(
            user=user, amount=Decimal("150.00"), payment_method=PaymentMethod.CARD
        )
        _capture(failed, succeed=False)
    if n % 4 == 0:
        autopay_create(
            user=user,
            plan=rng.choice(own),
            phone_number=user.mobile,
            tag="Mine",
            next_due_date=timezone.now() + timedelta(days=rng.randint(3, 27)),
        )


def _subscribers(demo: Demo, plans: list[Plan]) -> int:
    made = 0
    referrer: User | None = None
    for n in demo.progress(range(1, demo.size.subscribers + 1), desc="subscribers", unit="person"):
        rng = demo.rng(f"subscriber-{n}")
        first, last = person(rng)
        login = f"demo_sub{n}"
        kind = SubscriberType.POSTPAID if n % 5 == 2 else SubscriberType.PREPAID
        user, created = account(
            demo,
            login=login,
            first_name=first,
            last_name=last,
            mobile=indian_mobile(50 + n // 1_000_000, n % 1_000_000),
            # Subscribers sign in with a code sent to their phone; a few have a password too.
            with_password=n <= 5,
            with_email=False,
            subscriber_type=kind,
        )
        if created:
            refer = referrer if n % 3 == 0 and referrer is not None else None
            user = profile_register(
                user=user,
                name=f"{first} {last}",
                email=demo.email(login),
                referee_code=refer.referral_code if refer else None,
            )
            _money(demo, rng, n, user, plans)
            made += 1
        if n % 3 == 1:
            referrer = User.objects.get(pk=user.pk)
    return made


def _messages(demo: Demo) -> None:
    for recipient, category, text in ANNOUNCEMENTS:
        if not Announcement.objects.filter(description=text).exists():
            announcement_create(
                actor=demo.admin, description=text, recipient_type=recipient, category=category
            )
    for position, (kind, title, body) in enumerate(CONTENT):
        if not Content.objects.filter(title=title).exists():
            content_create(
                actor=demo.admin,
                data={"content_type": kind, "title": title, "body": body, "position": position},
            )
    for n, text in enumerate(
        ("My recharge is not showing.", "How do I cancel autopay?", "Please add a 3-month plan."),
        1,
    ):
        user = User.objects.filter(username=f"demo_sub{n}").first()
        email = demo.email(f"demo_sub{n}")
        if (
            user is not None
            and not ContactMessage.objects.filter(email=email, description=text).exists()
        ):
            contact_submit(name=user.name, email=email, description=text, user=user)


def run(demo: Demo) -> None:
    plans = _catalog(demo)
    made = _subscribers(demo, plans)
    referrals_settle()
    _messages(demo)
    system_notices_scan()
    demo.show(
        Account(
            "Subscriber (prepaid)",
            "demo_sub1",
            demo.email("demo_sub1"),
            f"seed 004 app; also phone sign-in with {indian_mobile(50, 1)}",
            False,
        )
    )
    demo.note(
        f"recharge: {len(PLANS)} plans, 2 offers, {demo.size.subscribers} subscribers "
        f"({made} made now) with wallets, payments, recharges, autopays and referrals"
    )
