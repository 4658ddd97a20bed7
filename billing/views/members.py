"""Placing people in organizations: how a reseller gets its admin and its staff."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from billing import selectors, services
from billing.models import Organization, OrganizationMembership
from billing.serializers.members import MemberPlaceSerializer, MemberSerializer
from config import contracts
from config.openapi import error_responses
from config.permissions import permission_required

# A seed 003 client (told by its token) gets its envelope here too.
KTL_CLIENT = contracts.when_client("ktl")
VIEW = permission_required("billing.view_organization", "accounts.view_user")
PLACE = permission_required("billing.change_organization", "accounts.change_user")
SCOPE = (
    "The organization must be visible to the caller (else 404): super admins and admins see "
    "every one, anyone else their own and those below it. A restricted caller places only "
    "people who belong to no organization or to one in its own tree, and nobody may place an "
    "account that holds a permission (or superuser or admin standing) they lack (403)."
)
ORGANIZATION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)
USER_ID = OpenApiParameter("user_id", int, OpenApiParameter.PATH)


def _organization(request: Request, pk: int) -> Organization:
    return get_object_or_404(selectors.organizations_visible_to(request.user), pk=pk)


def _placeable_user(actor: User, pk: int) -> User:
    """Someone the caller may place: in its tree, or in no organization yet."""
    candidates = User.objects.filter(Q(membership__isnull=True) | Q(pk__in=_visible_ids(actor)))
    return get_object_or_404(candidates, pk=pk)


def _visible_ids(actor: User):
    return selectors.users_visible_to(actor).values("pk")


class OrganizationMembersView(generics.ListAPIView):
    contract = KTL_CLIENT
    serializer_class = MemberSerializer
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    ordering_fields = ("updated_at", "user__username", "user_id")
    ordering = ("user_id",)

    def get_permissions(self):
        return [(PLACE if self.request.method == "POST" else VIEW)()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no organization
            return OrganizationMembership.objects.none()
        organization = _organization(self.request, self.kwargs["id"])
        return OrganizationMembership.objects.select_related("user", "organization").filter(
            organization=organization
        )

    @extend_schema(
        tags=["organizations"],
        summary="People who belong to an organization",
        parameters=[ORGANIZATION_ID],
        responses={200: MemberSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["organizations"],
        summary="Place a person in an organization (moving them from any other)",
        description=SCOPE + " Needs `billing.change_organization` and `accounts.change_user`.",
        parameters=[ORGANIZATION_ID],
        request=MemberPlaceSerializer,
        responses={200: MemberSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, id: int) -> Response:
        organization = _organization(request, id)
        serializer = MemberPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _placeable_user(request.user, serializer.validated_data["user_id"])
        membership = services.membership_set(
            user=user, organization=organization, actor=request.user
        )
        reply = Response(MemberSerializer(membership).data, status=status.HTTP_200_OK)
        return contracts.with_message(reply, "User placed in the organization")


class OrganizationMemberView(APIView):
    contract = KTL_CLIENT
    permission_classes = [PLACE]

    @extend_schema(
        tags=["organizations"],
        summary="Take a person out of an organization",
        description=SCOPE,
        parameters=[ORGANIZATION_ID, USER_ID],
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request: Request, id: int, user_id: int) -> Response:
        organization = _organization(request, id)
        membership = get_object_or_404(
            OrganizationMembership.objects.select_related("user"),
            organization=organization,
            user_id=user_id,
        )
        services.membership_remove(user=membership.user, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
