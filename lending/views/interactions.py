from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from config.openapi import error_responses
from config.pagination import BareListPagination
from lending.contracts import REPAYSYNC
from lending.filters import InteractionFilter
from lending.models import InteractionType
from lending.permissions import IsLendingStaff
from lending.selectors import interactions_for, loans_for
from lending.serializers.interactions import InteractionSerializer
from lending.services.interactions import (
    interaction_create,
    interaction_delete,
    interaction_may_edit,
    interaction_update,
)

_EDIT_RIGHTS = "Only the creator or the creator's manager may change or delete it."


def _interaction_viewset(kind: str, label: str):
    tags = [f"lending: {label} interactions"]

    @extend_schema_view(
        create=extend_schema(
            tags=tags,
            summary=f"Create a {label} interaction",
            responses={201: InteractionSerializer, **error_responses(400, 403)},
        ),
        retrieve=extend_schema(
            tags=tags, responses={200: InteractionSerializer, **error_responses(403, 404)}
        ),
        update=extend_schema(
            tags=tags,
            description=_EDIT_RIGHTS,
            responses={200: InteractionSerializer, **error_responses(400, 403, 404)},
        ),
        partial_update=extend_schema(
            tags=tags,
            description=_EDIT_RIGHTS,
            responses={200: InteractionSerializer, **error_responses(400, 403, 404)},
        ),
        destroy=extend_schema(
            tags=tags, description=_EDIT_RIGHTS, responses={204: None, **error_responses(403, 404)}
        ),
    )
    class InteractionViewSet(
        mixins.CreateModelMixin,
        mixins.RetrieveModelMixin,
        mixins.UpdateModelMixin,
        mixins.DestroyModelMixin,
        viewsets.GenericViewSet,
    ):
        serializer_class = InteractionSerializer
        permission_classes = [IsLendingStaff]
        contract = REPAYSYNC
        interaction_type = kind

        def get_queryset(self):
            return interactions_for(self.request.user, self.interaction_type).select_related(
                "created_by"
            )

        def check_object_permissions(self, request, obj):
            super().check_object_permissions(request, obj)
            if request.method not in ("GET", "HEAD", "OPTIONS") and not interaction_may_edit(
                request.user, obj
            ):
                raise PermissionDenied(_EDIT_RIGHTS)

        def perform_create(self, serializer):
            serializer.instance = interaction_create(
                actor=self.request.user,
                interaction_type=self.interaction_type,
                data=serializer.validated_data,
            )

        def perform_update(self, serializer):
            serializer.instance = interaction_update(
                actor=self.request.user,
                interaction=serializer.instance,
                changes=serializer.validated_data,
            )

        def perform_destroy(self, instance):
            interaction_delete(actor=self.request.user, interaction=instance)

    class LoanInteractionsView(generics.ListAPIView):
        serializer_class = InteractionSerializer
        permission_classes = [IsLendingStaff]
        # Seed 002 lists a loan's interactions as a bare array.
        pagination_class = BareListPagination
        contract = REPAYSYNC
        filterset_class = InteractionFilter
        search_fields = ("comment",)
        ordering_fields = ("timestamp", "next_call_date", "id")
        ordering = ("-timestamp", "-id")
        interaction_type = kind

        @extend_schema(
            tags=tags,
            summary=f"{label.capitalize()} interactions of a loan",
            responses={200: InteractionSerializer(many=True), **error_responses(403, 404)},
        )
        def get(self, request, *args, **kwargs):
            return super().get(request, *args, **kwargs)

        def get_queryset(self):
            user = self.request.user
            queryset = interactions_for(user, self.interaction_type)
            if getattr(self, "swagger_fake_view", False):
                return queryset.none()
            loan = get_object_or_404(loans_for(user), pk=self.kwargs["loan_id"])
            return queryset.filter(loan=loan)

    prefix = kind.capitalize()
    InteractionViewSet.__name__ = f"{prefix}InteractionViewSet"
    InteractionViewSet.__qualname__ = InteractionViewSet.__name__
    LoanInteractionsView.__name__ = f"{prefix}LoanInteractionsView"
    LoanInteractionsView.__qualname__ = LoanInteractionsView.__name__
    return InteractionViewSet, LoanInteractionsView


FieldInteractionViewSet, FieldLoanInteractionsView = _interaction_viewset(
    InteractionType.FIELD, "field"
)
CallingInteractionViewSet, CallingLoanInteractionsView = _interaction_viewset(
    InteractionType.CALLING, "calling"
)
