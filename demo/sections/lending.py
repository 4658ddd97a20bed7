"""Loan collections (seed 002): a team (managers, officers, calling agents), customers
imported from a CSV the way an upload is, loans with their schedules, repayments, and
interactions, spread over every delinquency bucket."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import StaffType, User
from demo.context import Account, Demo
from demo.identities import CITIES, indian_mobile, person
from demo.people import account
from lending.models import (
    Customer,
    DelinquencyBucket,
    Disposition,
    Installment,
    InteractionType,
    Loan,
    LoanType,
    RepaymentMethod,
)
from lending.services.imports.customers import customers_import_file
from lending.services.imports.report import upload_decode
from lending.services.interactions import interaction_create
from lending.services.loans import loan_create
from lending.services.repayments import repayment_record
from lending.services.schedule import add_months

CUSTOMER_CODE = "DEMO-C{:05d}"
LOAN_NUMBER = "DEMO-L{:06d}"


@dataclass(frozen=True)
class Scenario:
    """Where a loan stands today: instalments paid on time, then days past due (0: none)."""

    bucket: str
    paid: int
    days_past_due: int
    tenure: int = 24


# Days past due sit mid-bucket, so month lengths cannot move a loan across a boundary.
SCENARIOS = (
    Scenario(DelinquencyBucket.CURRENT, paid=3, days_past_due=0),
    Scenario(DelinquencyBucket.CURRENT, paid=0, days_past_due=0),
    Scenario(DelinquencyBucket.DPD_1_30, paid=2, days_past_due=12),
    Scenario(DelinquencyBucket.DPD_31_60, paid=4, days_past_due=45),
    Scenario(DelinquencyBucket.DPD_61_90, paid=1, days_past_due=75),
    Scenario(DelinquencyBucket.DPD_90_PLUS, paid=0, days_past_due=130),
    Scenario("closed", paid=6, days_past_due=0, tenure=6),
)
STREETS = ("MG Road", "Station Road", "Main Street", "Temple Road", "Market Lane")
METHODS = (RepaymentMethod.UPI, RepaymentMethod.NACH, RepaymentMethod.CASH, RepaymentMethod.CHEQUE)


def _team(demo: Demo) -> tuple[list[User], list[User]]:
    managers = []
    for m in range(1, 3):
        first, last = person(demo.rng(f"manager-{m}"))
        user, _ = account(
            demo,
            login=f"demo_manager{m}",
            first_name=first,
            last_name=last,
            mobile=indian_mobile(20, m),
            user_type=StaffType.MANAGER,
            roles=("manager",),
        )
        managers.append(user)
    officers = []
    for o in range(1, demo.size.officers + 1):
        first, last = person(demo.rng(f"officer-{o}"))
        user, _ = account(
            demo,
            login=f"demo_officer{o}",
            first_name=first,
            last_name=last,
            mobile=indian_mobile(21, o),
            user_type=StaffType.COLLECTION_OFFICER,
            manager=managers[(o - 1) % len(managers)],
            roles=("collection_officer",),
        )
        officers.append(user)
    agents = []
    for a in range(1, demo.size.agents + 1):
        first, last = person(demo.rng(f"agent-{a}"))
        user, _ = account(
            demo,
            login=f"demo_agent{a}",
            first_name=first,
            last_name=last,
            mobile=indian_mobile(22, a),
            user_type=StaffType.CALLING_AGENT,
            roles=("calling_agent",),
        )
        agents.append(user)
    for role, login, fits in (
        ("Manager", "demo_manager1", "seed 002, sees the officers reporting to them"),
        ("Collection Officer", "demo_officer1", "seed 002, sees the customers assigned to them"),
        ("Calling Agent", "demo_agent1", "seed 002, sees every customer"),
    ):
        demo.show(Account(role, login, demo.email(login), fits, False))
    return officers, agents


def _customers_csv(demo: Demo, officers: list[User]) -> tuple[bytes, int]:
    """The CSV of the customers not there yet, and how many rows it has."""
    rng = demo.rng("customers")
    codes = [CUSTOMER_CODE.format(n) for n in range(1, demo.size.customers + 1)]
    present = set(
        Customer.objects.filter(customer_code__in=codes).values_list("customer_code", flat=True)
    )
    rows = 0
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "customer_code",
            "name",
            "phone",
            "email",
            "address_line_1",
            "city",
            "state",
            "pincode",
            "date_of_birth",
            "assigned_collection_officer",
        ]
    )
    for n in range(1, demo.size.customers + 1):
        first, last = person(rng)
        city, state, pincode = rng.choice(CITIES)
        born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 40 * 365))
        street = f"{rng.randint(1, 400)}, {rng.choice(STREETS)}"
        # Every row is drawn, so a customer's details never depend on which exist already.
        if CUSTOMER_CODE.format(n) in present:
            continue
        rows += 1
        writer.writerow(
            [
                CUSTOMER_CODE.format(n),
                f"{first} {last}",
                indian_mobile(30 + n // 1_000_000, n % 1_000_000),
                f"customer{n}@example.com",
                street,
                city,
                state,
                pincode,
                born.isoformat(),
                officers[(n - 1) % len(officers)].username,
            ]
        )
    return out.getvalue().encode(), rows


def _import_customers(demo: Demo, officers: list[User]) -> None:
    content, rows = _customers_csv(demo, officers)
    if not rows:
        return
    file = upload_decode(content, name="demo_customers.csv")
    with demo.progress(total=rows, desc="customers", unit="row") as bar:
        report = customers_import_file(
            actor=demo.admin, file=file, progress=lambda done: bar.update(done - bar.n)
        )
    if report.error_count:
        raise RuntimeError(f"The demo customers did not import: {report.errors[:3]}")


def _loan_date(today: date, scenario: Scenario) -> date:
    """The date that leaves instalment `paid + 1` due `days_past_due` days ago (or, for a
    loan up to date, due a little after today)."""
    if scenario.bucket == "closed":
        return add_months(today - timedelta(days=20), -(scenario.tenure + 1))
    if scenario.days_past_due == 0:
        return add_months(today + timedelta(days=10), -(scenario.paid + 1))
    return add_months(today - timedelta(days=scenario.days_past_due), -(scenario.paid + 1))


def _make_loan(demo: Demo, rng, n: int, customer: Customer, collectors: list[User]) -> Loan:
    scenario = SCENARIOS[(n - 1) % len(SCENARIOS)]
    principal = Decimal(rng.randrange(20_000, 500_000, 1_000))
    loan = loan_create(
        actor=demo.admin,
        data={
            "loan_account_number": LOAN_NUMBER.format(n),
            "customer": customer,
            "principal_amount": principal,
            "interest_rate": Decimal(rng.choice(["10.50", "12.00", "13.75", "16.00", "18.00"])),
            "loan_type": rng.choice(LoanType.values),
            "tenure_months": scenario.tenure,
            "loan_date": _loan_date(demo.today, scenario),
        },
    )
    collector = rng.choice(collectors)
    instalments = list(Installment.objects.filter(loan=loan).order_by("number")[: scenario.paid])
    for item in instalments:
        if item.due_date > demo.today:
            break
        repayment_record(
            actor=collector,
            loan=loan,
            amount=item.amount_due,
            paid_on=item.due_date,
            method=rng.choice(METHODS),
            reference=f"DEMO-{loan.loan_account_number}-{item.number}",
        )
    if scenario.days_past_due:
        _follow_up(demo, rng, loan, collectors, scenario)
    return loan


def _follow_up(demo: Demo, rng, loan: Loan, collectors: list[User], scenario: Scenario) -> None:
    """A call, then a visit for the later buckets, ending in a promise or a next call."""
    steps = [(InteractionType.CALLING, Disposition.NOT_REACHABLE)]
    if scenario.days_past_due > 30:
        steps.append((InteractionType.FIELD, Disposition.VISITED))
    steps.append(
        (
            InteractionType.CALLING,
            rng.choice([Disposition.PROMISE_TO_PAY, Disposition.CALLED, Disposition.REFUSED]),
        )
    )
    for kind, disposition in steps:
        data = {
            "loan": loan,
            "disposition": disposition,
            "comment": f"{disposition.label} ({scenario.days_past_due} days past due).",
            "next_call_date": demo.today + timedelta(days=rng.randint(1, 7)),
        }
        if disposition == Disposition.PROMISE_TO_PAY:
            data["promise_amount"] = loan.emi_amount
            data["promise_date"] = demo.today + timedelta(days=rng.randint(2, 10))
        interaction_create(actor=rng.choice(collectors), interaction_type=kind, data=data)


def run(demo: Demo) -> None:
    officers, agents = _team(demo)
    _import_customers(demo, officers)
    codes = [CUSTOMER_CODE.format(n) for n in range(1, demo.size.loans + 1)]
    customers = {c.customer_code: c for c in Customer.objects.filter(customer_code__in=codes)}
    existing = set(
        Loan.objects.filter(loan_account_number__startswith="DEMO-L").values_list(
            "loan_account_number", flat=True
        )
    )
    made = 0
    for n in demo.progress(range(1, demo.size.loans + 1), desc="loans", unit="loan"):
        # Draw for every loan, made or not, so the loans made later do not depend on
        # which were there already.
        loan_rng = demo.rng(f"loan-{n}")
        if LOAN_NUMBER.format(n) in existing:
            continue
        customer = customers[CUSTOMER_CODE.format(n)]
        collector_pool = [*agents, customer.assigned_collection_officer or officers[0]]
        _make_loan(demo, loan_rng, n, customer, collector_pool)
        made += 1
    demo.note(
        f"lending: {demo.size.customers} customers, {demo.size.loans} loans "
        f"({made} made now) across every delinquency bucket"
    )
