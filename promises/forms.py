from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Promise, Sector

SORTS = {
    "kode": ("number", "code"),
    "judul": ("title",),
    "status": ("status", "code"),
    "terbaru": ("-updated_at", "code"),
}


class PromiseFilterForm(forms.Form):
    """The promise list's filters; every value lives in the query string so a link can be shared."""

    q = forms.CharField(label=_("Cari janji"), required=False, max_length=100)
    bidang = forms.ModelChoiceField(
        label=_("Bidang"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Semua bidang"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Semua status")), *Promise.Status.choices], required=False
    )
    verifikasi = forms.ChoiceField(
        label=_("Verifikasi"), choices=[("", _("Semua tingkat")), *Promise.Verification.choices], required=False
    )
    asal = forms.ChoiceField(
        label=_("Asal janji"), choices=[("", _("Semua asal")), *Promise.Origin.choices], required=False
    )
    urut = forms.ChoiceField(
        label=_("Urutkan"),
        choices=[
            ("kode", _("Kode")),
            ("judul", _("Judul (A–Z)")),
            ("status", _("Status")),
            ("terbaru", _("Terakhir diperbarui")),
        ],
        required=False,
    )

    def filter(self, promises):
        """Apply the valid filters; an invalid value is ignored rather than breaking a shared link."""
        self.is_valid()  # cleaned_data keeps the valid fields even when another one is not
        data = self.cleaned_data
        if data.get("q"):
            promises = promises.search(data["q"])
        if data.get("bidang"):
            promises = promises.filter(sector=data["bidang"])
        if data.get("status"):
            promises = promises.filter(status=data["status"])
        if data.get("verifikasi"):
            promises = promises.filter(verification=data["verifikasi"])
        if data.get("asal"):
            promises = promises.filter(origin=data["asal"])
        return promises.order_by(*SORTS.get(data.get("urut") or "kode", SORTS["kode"]))
