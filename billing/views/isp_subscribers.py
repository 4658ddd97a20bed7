"""Subscribers under /api/v1/isp/subscribers/ and their commands, scoped to the caller's tree."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from billing.isp_filters import SubscriberFilter
from billing.isp_selectors import subscribers_visible_to
from billing.models import IspSubscriber
from billing.serializers.isp import (
    IspChangePackageSerializer,
    IspHoldSerializer,
    IspInvoiceDetailSerializer,
    IspPaymentRequestSerializer,
    IspPaymentSerializer,
    IspReasonSerializer,
    IspStatusChangeSerializer,
    IspSubscriberSerializer,
)
from billing.services import isp_invoicing, isp_payments, isp_subscribers
from config.openapi import error_responses
from config.permissions import ModelPermissions, permission_required
from idempotency.api import IDEMPOTENCY_KEY, idempotent

SCOPE = (
    "Admins see every subscriber; anyone else those of their organization and below "
    "(others answer 404)."
)
COMMAND_ERRORS = error_responses(400, 401, 403, 404, 409)
MONEY_ERRORS = error_responses(400, 401, 403, 404, 409, 422)
CHANGE = [permission_required("billing.change_ispsubscriber")]


def _parse(serializer_class, request: Request, **kwargs):
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(summary="List ISP subscribers", description=SCOPE),
    retrieve=extend_schema(
        summary="ISP subscriber details",
        responses={200: IspSubscriberSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Create an ISP subscriber",
        description=(
            "Starts `new`; `activate` connects it. `pppoe_username` is unique across the "
            "network, whatever the case. The package must be one the organization may sell."
        ),
        responses={201: IspSubscriberSerializer, **error_responses(400, 401, 403)},
    ),
    update=extend_schema(
        summary="Replace an ISP subscriber's details",
        responses={200: IspSubscriberSerializer, **error_responses(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change an ISP subscriber's details",
        description="The organization and package are read-only here (`change-package`).",
        responses={200: IspSubscriberSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
@extend_schema(tags=["isp"])
class SubscriberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = IspSubscriber.objects.all()
    serializer_class = IspSubscriberSerializer
    permission_classes = [ModelPermissions]
    filterset_class = SubscriberFilter
    search_fields = ("name", "phone", "pppoe_username", "email")
    ordering_fields = ("name", "created_at", "period_end", "status", "pppoe_username")
    ordering = ("name", "id")

    def get_queryset(self):
        return subscribers_visible_to(self.request.user)

    def _reply(self, subscriber: IspSubscriber, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=subscriber.pk)
        return Response(
            IspSubscriberSerializer(fresh, context={"request": self.request}).data, code
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        data = _parse(IspSubscriberSerializer, request)
        subscriber = isp_subscribers.subscriber_create(actor=request.user, fields=data)
        return self._reply(subscriber, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        subscriber = self.get_object()
        serializer = self.get_serializer(
            subscriber, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        subscriber = isp_subscribers.subscriber_update(
            subscriber=subscriber, actor=request.user, changes=serializer.validated_data
        )
        return self._reply(subscriber)

    @extend_schema(
        summary="Status history",
        responses={200: IspStatusChangeSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], serializer_class=IspStatusChangeSerializer)
    def history(self, request: Request, pk=None) -> Response:
        subscriber = self.get_object()
        page = self.paginate_queryset(subscriber.status_changes.select_related("actor"))
        return self.get_paginated_response(IspStatusChangeSerializer(page, many=True).data)

    @extend_schema(
        summary="Activate (connect) a new or inactive subscriber",
        description=(
            "Starts its first period today: the period's invoice (a share of the month when "
            "today is not its billing day), and the reseller's debit at its tier price. 422 "
            "`insufficient_balance` when the reseller's balance is too low (nothing changes)."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={200: IspSubscriberSerializer, **MONEY_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=CHANGE)
    def activate(self, request: Request, pk=None) -> Response:
        subscriber = self.get_object()

        def work(*, reference) -> Response:
            done = isp_invoicing.subscriber_activate(subscriber=subscriber, actor=request.user)
            return self._reply(done)

        return idempotent(self, request, work)

    @extend_schema(
        summary="Renew: start the next period now",
        description=(
            "Invoices the next period and debits the reseller, ahead of the scheduled run. "
            "409 `already_billed` when that period is invoiced already."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=None,
        responses={201: IspInvoiceDetailSerializer, **MONEY_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=CHANGE)
    def renew(self, request: Request, pk=None) -> Response:
        subscriber = self.get_object()

        def work(*, reference) -> Response:
            invoice = isp_invoicing.subscriber_renew(subscriber=subscriber, actor=request.user)
            return Response(IspInvoiceDetailSerializer(invoice).data, status.HTTP_201_CREATED)

        return idempotent(self, request, work)

    @extend_schema(
        summary="Change the package",
        description=(
            "The rest of a running period is prorated on its invoice (a credit for the old "
            "package, a charge for the new) and the reseller pays or gets back the difference "
            "of its tier prices for those days. 409 when more is paid on the invoice than it "
            "would come to."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=IspChangePackageSerializer,
        responses={200: IspSubscriberSerializer, **MONEY_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="change-package", permission_classes=CHANGE)
    def change_package(self, request: Request, pk=None) -> Response:
        subscriber = self.get_object()
        data = _parse(IspChangePackageSerializer, request)

        def work(*, reference) -> Response:
            done = isp_invoicing.subscriber_change_package(
                subscriber=subscriber, package=data["package"], actor=request.user
            )
            return self._reply(done)

        return idempotent(self, request, work)

    @extend_schema(
        summary="Suspend",
        request=IspReasonSerializer,
        responses={200: IspSubscriberSerializer, **COMMAND_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=CHANGE)
    def suspend(self, request: Request, pk=None) -> Response:
        data = _parse(IspReasonSerializer, request)
        subscriber = isp_subscribers.subscriber_suspend(
            subscriber=self.get_object(), actor=request.user, reason=data["reason"]
        )
        return self._reply(subscriber)

    @extend_schema(
        summary="Reactivate a suspended subscriber",
        description=(
            "409 while an invoice is overdue, unless a hold is set (then it is back in grace)."
        ),
        request=IspReasonSerializer,
        responses={200: IspSubscriberSerializer, **COMMAND_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=CHANGE)
    def reactivate(self, request: Request, pk=None) -> Response:
        data = _parse(IspReasonSerializer, request)
        subscriber = isp_invoicing.subscriber_reactivate(
            subscriber=self.get_object(), actor=request.user, reason=data["reason"]
        )
        return self._reply(subscriber)

    @extend_schema(
        summary="Deactivate (disconnect)",
        request=IspReasonSerializer,
        responses={200: IspSubscriberSerializer, **COMMAND_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=CHANGE)
    def deactivate(self, request: Request, pk=None) -> Response:
        data = _parse(IspReasonSerializer, request)
        subscriber = isp_subscribers.subscriber_deactivate(
            subscriber=self.get_object(), actor=request.user, reason=data["reason"]
        )
        return self._reply(subscriber)

    @extend_schema(
        summary="Hold suspension until a date",
        description="At most `max_manual_grace_days` ahead; `until: null` lifts the hold.",
        request=IspHoldSerializer,
        responses={200: IspSubscriberSerializer, **COMMAND_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=CHANGE)
    def hold(self, request: Request, pk=None) -> Response:
        data = _parse(IspHoldSerializer, request)
        subscriber = isp_subscribers.subscriber_hold(
            subscriber=self.get_object(), actor=request.user, until=data["until"]
        )
        return self._reply(subscriber)

    @extend_schema(
        summary="Record a payment",
        description=(
            "Cash to the signed-in collector, or bKash/Nagad with its transaction id (once per "
            "id). Allocated to the oldest open invoices first (earliest due date); what is left "
            "stays as credit for the next invoices. Gets the organization's next receipt "
            "number. Paying what is overdue lifts grace and a suspension for non-payment."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=IspPaymentRequestSerializer,
        responses={
            201: OpenApiResponse(IspPaymentSerializer, description="The payment, allocated."),
            **MONEY_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permission_required("billing.collect_payment")],
    )
    def pay(self, request: Request, pk=None) -> Response:
        subscriber = self.get_object()
        data = _parse(IspPaymentRequestSerializer, request)

        def work(*, reference) -> Response:
            payment = isp_payments.payment_record(subscriber=subscriber, actor=request.user, **data)
            return Response(IspPaymentSerializer(payment).data, status.HTTP_201_CREATED)

        return idempotent(self, request, work)
