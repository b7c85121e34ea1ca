"""A verdict waiting for a second editor (issue 12): a change to Ditepati, Ditepati sebagian, Tidak ditepati or
Tidak dapat diverifikasi is saved as a proposal, shown to editors only, and becomes a public status change when
another editor approves it. `settings.VERDICTS_NEED_SECOND_EDITOR` turns this off for a one-person team."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .labels import Labelled
from .loading import QuickLoad
from .promise import Status, Verification


class ProposalQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(state=StatusProposal.State.WAITING)

    def for_review(self):
        """Waiting proposals with their promise, proposer and sources, oldest first (2 queries)."""
        return (
            self.waiting()
            .select_related("promise", "proposed_by")
            .prefetch_related("sources")
            .order_by("created_at", "pk")
        )


class StatusProposal(QuickLoad, Labelled, models.Model):
    class State(models.TextChoices):
        WAITING = "menunggu", _("Menunggu persetujuan")
        APPROVED = "disetujui", _("Disetujui")
        REJECTED = "ditolak", _("Ditolak")

    promise = models.ForeignKey("Promise", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("janji"))
    status = models.CharField(_("status yang diusulkan"), max_length=30, choices=Status)
    verification = models.CharField(_("verifikasi"), max_length=30, choices=Verification)
    reason = models.TextField(_("alasan"))
    sources = models.ManyToManyField("Source", related_name="+", verbose_name=_("sumber"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("diusulkan oleh")
    )
    created_at = models.DateTimeField(_("diusulkan"), default=timezone.now)
    state = models.CharField(_("keadaan"), max_length=20, choices=State, default=State.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_note = models.CharField(_("catatan putusan"), max_length=500, blank=True)
    status_change = models.OneToOneField(
        "StatusChange", on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("usulan putusan")
        verbose_name_plural = _("usulan putusan")
        permissions = [("approve_statusproposal", _("Boleh menyetujui usulan putusan editor lain"))]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="proposal_has_reason"),
            models.CheckConstraint(condition=Q(state__in=["menunggu", "disetujui", "ditolak"]), name="proposal_state"),
            models.CheckConstraint(
                condition=Q(state="menunggu") | Q(decided_by__isnull=False), name="proposal_decision_has_editor"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("proposed_by")), name="proposal_decided_by_another_editor"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promise.code}: {self.get_status_display()} ({self.get_state_display()})"
