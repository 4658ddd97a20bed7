"""The analytics endpoints: thin views over the figures, one declaration each."""

from collections.abc import Callable

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.openapi import error_responses
from config.permissions import IsActiveUser, permission_required
from config.routing import api_path
from reports.analytics import people, recharge
from reports.analytics import serializers as shapes
from reports.analytics.window import WindowQuerySerializer, window_from

ANALYST = "reports.view_analytics"


class AnalyticsView(APIView):
    figures: Callable
    reply: type[serializers.Serializer]

    def get(self, request: Request):
        return Response(self.reply(self.figures(window_from(request))).data)


def _staff_view(path: str, figures: Callable, reply, summary: str) -> list:
    # The schema goes on each view's own class: the get method is shared by all of them.
    view = extend_schema(
        tags=["analytics"],
        summary=summary,
        description=(
            "Figures over a window of days: `days` (default 30, at most 366) or "
            "`from`/`to`. Needs the reports.view_analytics permission."
        ),
        parameters=[WindowQuerySerializer],
        responses={200: reply, **error_responses(400, 401, 403)},
    )(
        type(
            reply.__name__.removesuffix("Serializer") + "View",
            (AnalyticsView,),
            {
                "figures": staticmethod(figures),
                "reply": reply,
                "permission_classes": [permission_required(ANALYST)],
            },
        )
    )
    return api_path(f"analytics/{path}", view.as_view(), f"analytics-{path.replace('/', '-')}")


class MyInsightView(APIView):
    """The caller's own figures, whoever they are."""

    permission_classes = [IsActiveUser]

    @extend_schema(
        tags=["analytics"],
        summary="My spend by month, plans used and referrals",
        parameters=[shapes.MonthsQuerySerializer],
        responses={200: shapes.MyInsightSerializer, **error_responses(400, 401)},
    )
    def get(self, request: Request):
        query = shapes.MonthsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        figures = recharge.my_insight(request.user, months=query.validated_data["months"])
        return Response(shapes.MyInsightSerializer(figures).data)


urlpatterns = [
    *_staff_view("admins", people.admins, shapes.AdminsAnalyticsSerializer, "Staff accounts"),
    *_staff_view("backup", people.backups, shapes.BackupAnalyticsSerializer, "Backups"),
    *_staff_view(
        "current-active-plans",
        recharge.current_active_plans,
        shapes.CurrentActivePlansAnalyticsSerializer,
        "Plans running now",
    ),
    *_staff_view("offers", recharge.offers, shapes.OffersAnalyticsSerializer, "Offers"),
    *_staff_view("plans", recharge.plans, shapes.PlansAnalyticsSerializer, "Plans"),
    *_staff_view("referrals", recharge.referrals, shapes.ReferralsAnalyticsSerializer, "Referrals"),
    *_staff_view(
        "transactions",
        recharge.transactions,
        shapes.TransactionsAnalyticsSerializer,
        "Transactions: revenue, top-ups, debits",
    ),
    *_staff_view(
        "users-archive",
        people.users_archive,
        shapes.UsersArchiveAnalyticsSerializer,
        "Archived accounts",
    ),
    *_staff_view("users", people.users, shapes.UsersAnalyticsSerializer, "Accounts"),
    *api_path("analytics/me/users", MyInsightView.as_view(), "analytics-me-users"),
]
