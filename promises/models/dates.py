"""The rules for dates a source gives: how precise they are, and that they have already happened."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    """How much of a date the source gives: "April 2025" is stored as 1 April 2025 with month precision.

    `formatting.date_label` shows a date at its precision.
    """

    DAY = "day", _("tanggal")
    MONTH = "month", _("bulan")
    YEAR = "year", _("tahun")


def span(value: date, precision: str) -> tuple[date, date]:
    """The first and last day a date at this precision may mean: "April 2025" is 1–30 April 2025."""
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1), value.replace(month=12, day=31)
    if precision == Precision.MONTH:
        first = value.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return value, value


def at_precision(value: date, precision: str) -> date:
    """How a date at this precision is stored: its first day ("April 2025" as 1 April 2025)."""
    return span(value, precision)[0]


@deconstructible
class NotInFuture:
    """A date that has not come yet cannot be when an article appeared or when a figure held."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, value) -> None:
        if value and value > timezone.localdate():
            raise ValidationError(self.message, code="future")

    def __eq__(self, other) -> bool:
        return isinstance(other, NotInFuture) and self.message == other.message


PUBLISHED_NOT_IN_FUTURE = NotInFuture(_("Tanggal terbit tidak boleh di masa depan."))
AS_OF_NOT_IN_FUTURE = NotInFuture(_("Tanggal angka tidak boleh di masa depan."))
