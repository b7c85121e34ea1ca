"""The rules for dates a source gives: how precise they are, and that they have already happened."""

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
