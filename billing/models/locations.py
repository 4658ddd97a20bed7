"""The administrative geography of Bangladesh: divisions, districts, upazilas/thanas.

Reference data loaded by a migration from `billing/data/bangladesh_locations.json`.
Primary keys are the source dataset's codes, so an id means the same place in
every database.
"""

from django.db import models


class Division(models.Model):
    id = models.PositiveIntegerField(primary_key=True, help_text="Code in the source dataset.")
    name = models.CharField(max_length=100, unique=True)
    name_bn = models.CharField("name (Bangla)", max_length=100)
    website = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    id = models.PositiveIntegerField(primary_key=True, help_text="Code in the source dataset.")
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100, unique=True)
    name_bn = models.CharField("name (Bangla)", max_length=100)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    website = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Thana(models.Model):
    """An upazila (the seeds call them thanas)."""

    id = models.PositiveIntegerField(primary_key=True, help_text="Code in the source dataset.")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="thanas")
    name = models.CharField(max_length=100)
    name_bn = models.CharField("name (Bangla)", max_length=100)
    website = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name = "thana / upazila"
        verbose_name_plural = "thanas / upazilas"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="thana_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.district.name})" if self.district_id else self.name
