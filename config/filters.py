"""The API's django-filter backend: every filter value is checked before the database.

django-filter's forms refuse what they cannot parse, but accept some values
PostgreSQL cannot take: a date-time with an offset past ±15:59 (ISO 8601
allows up to ±23:59) is passed on with its offset and refused by the database.
Here aware date-times are brought to UTC first, and one that cannot be (a year
past 9999 once converted) is a 400 naming its parameter, like any other bad
filter value. So is a boolean filter's value other than true or false, which
django-filter would read as no filter at all, and a fraction for a number
filter on a whole-number column.
"""

import re
from datetime import UTC, datetime

import django_filters
from django.db import models
from django_filters import rest_framework as filters
from django_filters.utils import get_model_field, translate_validation
from rest_framework.exceptions import ValidationError

NOT_A_BOOLEAN = "Enter true or false."
NOT_WHOLE = "Enter a whole number."
WHOLE = re.compile(r"-?[0-9]+")
OUT_OF_RANGE = "Enter a date and time within years 1 to 9999 in UTC."


def _to_utc(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    if isinstance(value, slice):  # the range filters' (start, stop)
        return slice(_to_utc(value.start), _to_utc(value.stop))
    if isinstance(value, (list, tuple)):
        return type(value)(_to_utc(item) for item in value)
    return value


def _on_integers(filterset, declared) -> bool:
    """Whether a number filter compares with a whole-number column (the schema says integer)."""
    model = filterset._meta.model
    if model is None or declared.method is not None:
        return False
    field = get_model_field(model, declared.field_name)
    if field is not None and field.is_relation:
        field = field.target_field
    return isinstance(field, models.IntegerField)


def refuse_what_the_form_would_bend(filterset) -> None:
    """Values a filter's form would quietly read another way are a 400 instead.

    A boolean filter reads anything but true/false as "no filter", and a number
    filter on a whole-number column takes 0.5.
    """
    for name, declared in filterset.filters.items():
        value = filterset.data.get(name)
        if value in (None, ""):
            continue
        if isinstance(declared, django_filters.BooleanFilter):
            if str(value).lower() not in ("true", "false"):
                raise ValidationError({name: [NOT_A_BOOLEAN]})
        elif (
            isinstance(declared, django_filters.NumberFilter)
            and _on_integers(filterset, declared)
            and not WHOLE.fullmatch(str(value))
        ):
            raise ValidationError({name: [NOT_WHOLE]})


def normalize(filterset) -> None:
    """Bring a valid filterset's date-times to UTC, or raise a 400 naming the parameter."""
    data = filterset.form.cleaned_data
    for name, value in list(data.items()):
        try:
            data[name] = _to_utc(value)
        except (OverflowError, ValueError):
            raise ValidationError({name: [OUT_OF_RANGE]}) from None


class DjangoFilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        refuse_what_the_form_would_bend(filterset)
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        normalize(filterset)
        return filterset.qs
