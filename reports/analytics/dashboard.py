"""The admin analytics page: the main series, and bar charts of them drawn as SVG shapes.

The charts are plain geometry computed here and drawn by the template as inline
SVG, so the page needs no script and no network.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import User
from kyc.models import KycRecord, KycStatus
from lending.models import DelinquencyBucket, Loan, LoanStatus
from recharge import selectors
from reports.analytics.aggregates import money_sum
from reports.analytics.recharge import REVENUE
from reports.analytics.window import Window, daily

WIDTH, HEIGHT = 760, 220
LEFT, BOTTOM, TOP = 8, 28, 24  # room for the labels under and above the bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str
    show_label: bool


def bar_chart(title: str, points: list[tuple[str, Decimal | int]], *, money: bool = False) -> dict:
    """Bars for `points` ((label, value) pairs), scaled to the chart's largest value."""
    values = [value or 0 for _, value in points]
    top = max(values, default=0) or 1
    slot = (WIDTH - 2 * LEFT) / max(len(points), 1)
    plot = HEIGHT - BOTTOM - TOP
    every = max(1, len(points) // 8)  # about eight labels under the axis, whatever the count
    bars = []
    for index, ((label, _), value) in enumerate(zip(points, values, strict=True)):
        height = round(plot * float(value) / float(top), 2)
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.1, 2),
                y=round(TOP + plot - height, 2),
                width=round(slot * 0.8, 2),
                height=height,
                label=label,
                text=f"{value:,.2f}" if money else f"{value:,}",
                show_label=index % every == 0,
            )
        )
    total = sum(values)
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 16,
        "bars": bars,
        "peak": f"{top:,.2f}" if money else f"{top:,}",
        "total": f"{total:,.2f}" if money else f"{total:,}",
    }


def collections_by_bucket() -> list[dict]:
    """Open loans per delinquency bucket: how many, outstanding and overdue. One query."""
    buckets = DelinquencyBucket.values
    active = Loan.objects.filter(status=LoanStatus.ACTIVE)
    figures = {}
    for index, bucket in enumerate(buckets):
        here = Q(delinquency_bucket=bucket)
        figures[f"loans_{index}"] = Count("pk", filter=here)
        figures[f"outstanding_{index}"] = money_sum("outstanding_amount", here)
        figures[f"overdue_{index}"] = money_sum("overdue_amount", here)
    totals = active.aggregate(**figures)
    return [
        {
            "bucket": bucket,
            "loans": totals[f"loans_{index}"],
            "outstanding": totals[f"outstanding_{index}"],
            "overdue": totals[f"overdue_{index}"],
        }
        for index, bucket in enumerate(buckets)
    ]


def dashboard(window: Window) -> dict:
    """The figures and charts of the admin analytics page: four queries."""
    revenue = daily(
        selectors.transactions(), "created_at", window, revenue=money_sum("amount", REVENUE)
    )
    signups = daily(User.objects.all(), "date_joined", window, signups=Count("pk"))
    verified = daily(
        KycRecord.objects.filter(status=KycStatus.VERIFIED),
        "verified_at",
        window,
        verifications=Count("pk"),
    )
    buckets = collections_by_bucket()
    day = "%d %b"
    return {
        "window": window,
        "buckets": buckets,
        "charts": [
            bar_chart(
                "Revenue (plan payments)",
                [(f"{row['date']:{day}}", row["revenue"]) for row in revenue],
                money=True,
            ),
            bar_chart("Sign-ups", [(f"{row['date']:{day}}", row["signups"]) for row in signups]),
            bar_chart(
                "KYC verifications",
                [(f"{row['date']:{day}}", row["verifications"]) for row in verified],
            ),
            bar_chart(
                "Collections: outstanding by delinquency bucket",
                [(row["bucket"], row["outstanding"]) for row in buckets],
                money=True,
            ),
            bar_chart(
                "Collections: open loans by delinquency bucket",
                [(row["bucket"], row["loans"]) for row in buckets],
            ),
        ],
    }
