"""Readers' reports: a correction or a piece of news sent through "Kirim koreksi atau kabar" (issue 13).

A report is about the whole tracker, one promise or one indicator. Editors work the open ones from a queue
(`/meja/laporan/`): turned into a desk entry (its log entries then say "berdasarkan laporan pembaca"), marked as
a duplicate of another report, or closed with a reason. Public pages only ever show how many are waiting and,
for an accepted report, the reader's name where they allowed it; the text stays with the editors and the contact
(WhatsApp or e-mail) is seen by editors only and erased `REPORT_CONTACT_DAYS` after the report is closed
(`manage.py purge_report_contacts`, UU 27/2022 Pelindungan Data Pribadi).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .labels import Labelled
from .loading import QuickLoad

# No 0/O, 1/I/L: a receipt read out over the phone or copied by hand stays unambiguous.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 8


def new_receipt() -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))
    return f"{code[:4]}-{code[4:]}"


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=Report.State.OPEN)

    def closed_before(self, moment):
        """Reports closed (accepted, duplicate or closed) before `moment`."""
        return self.exclude(state=Report.State.OPEN).filter(closed_at__lt=moment)

    def for_queue(self):
        """Newest first, with the promise or indicator each is about and the log entries made from it (2 queries)."""
        return (
            self.select_related("promise", "indicator__promise", "duplicate_of", "closed_by")
            .prefetch_related("log_entries")
            .order_by("-created_at", "-pk")
        )

    def waiting_for_promise(self, promise) -> int:
        """How many open reports are about the promise or one of its indicators (1 query)."""
        return self.open().filter(Q(promise=promise) | Q(indicator__promise=promise)).count()


class Report(QuickLoad, Labelled, models.Model):
    class State(models.TextChoices):
        OPEN = "terbuka", _("Sedang ditinjau")
        ACCEPTED = "diterima", _("Ditindaklanjuti")
        DUPLICATE = "duplikat", _("Duplikat")
        CLOSED = "ditutup", _("Ditutup")

    TEXT_MAX = 3000
    NAME_MAX = 80
    CONTACT_MAX = 120

    receipt = models.CharField(_("nomor tanda terima"), max_length=9, unique=True, default=new_receipt, editable=False)
    promise = models.ForeignKey(
        "Promise", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("janji")
    )
    indicator = models.ForeignKey(
        "Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("indikator"),
    )
    text = models.TextField(_("isi laporan"), max_length=TEXT_MAX)
    evidence_url = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    name = models.CharField(_("nama"), max_length=NAME_MAX, blank=True)
    name_public = models.BooleanField(_("nama boleh ditampilkan"), default=False)
    contact = models.CharField(_("WhatsApp atau e-mail"), max_length=CONTACT_MAX, blank=True)
    contact_erased_at = models.DateTimeField(_("kontak dihapus pada"), null=True, blank=True)
    state = models.CharField(_("keadaan"), max_length=10, choices=State, default=State.OPEN, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("duplikat dari")
    )
    close_reason = models.TextField(_("alasan ditutup"), blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditutup oleh"),
    )
    created_at = models.DateTimeField(_("dikirim pada"), default=timezone.now, db_index=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("laporan pembaca")
        verbose_name_plural = _("laporan pembaca")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["terbuka", "diterima", "duplikat", "ditutup"]), name="report_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="terbuka", closed_at__isnull=True)
                | (~Q(state="terbuka") & Q(closed_at__isnull=False)),
                name="report_closed_at_matches_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Laporan')} {self.receipt}"

    def get_absolute_url(self) -> str:
        return reverse("promises:report_queue") + f"#laporan-{self.pk}"

    def about(self):
        """The promise or indicator the report is about, or None (the whole tracker)."""
        return self.indicator or self.promise

    def about_promise(self):
        return self.indicator.promise if self.indicator_id else self.promise

    @property
    def public_name(self) -> str:
        """The reader's name where they allowed it to be shown, else ""."""
        return self.name if self.name_public else ""
