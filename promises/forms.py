from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.db.models.functions import Left, Length
from django.utils.translation import gettext_lazy as _

from .formatting import reading_value
from .models import Promise, Reading, Sector, Source, StatusChange, normalize_url
from .models.dates import AS_OF_NOT_IN_FUTURE, PUBLISHED_NOT_IN_FUTURE, Precision, at_precision
from .models.text import MESSAGE as INVISIBLE_MESSAGE
from .models.text import invisible_character

# Codes sort naturally: CP-2 before CP-10 (prefix, then length, then the code itself).
NATURAL_CODE = (F("number").asc(nulls_last=True), Left("code", 3), Length("code"), "code")
SORTS = {
    "kode": NATURAL_CODE,
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


class VisibleTextForm(forms.BaseForm):
    """Refuses invisible and direction-changing characters in every text a form takes (models/text.py).

    Text areas get no `maxlength` attribute: a browser would cut a pasted text silently; the length is checked
    here instead, with a message, and the editor's text stays in the form.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.pop("maxlength", None)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            code = invisible_character(value) if isinstance(value, str) else None
            if code and name not in self.errors:
                self.add_error(name, INVISIBLE_MESSAGE % {"code": code})
        return cleaned


class VisibleTextModelForm(VisibleTextForm, forms.ModelForm):
    """The admin's forms, with the same rule."""


class VersionedForm(VisibleTextForm, forms.Form):
    """A form for an object that carries a version: the hidden `version` is the one the editor loaded, so a save
    made after someone else's is refused (services.Stale) instead of overwriting it.

    `versioned_as` names the constructor keyword that passes the object (`instance` for a ModelForm).
    """

    versioned_as = "instance"
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            key: _("Formulir ini tidak sah lagi. Muat ulang halaman, lalu ulangi.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )

    def __init__(self, *args, **kwargs):
        versioned = None if self.versioned_as == "instance" else kwargs.pop(self.versioned_as)
        super().__init__(*args, **kwargs)
        self.versioned = versioned or self.instance  # a ModelForm's instance (a new one on an add form)
        self.fields["version"].initial = self.versioned.version

    def rebound(self, current, message: str) -> "VersionedForm":
        """The editor's input again, bound to `current`'s version with `message` on top: they see what changed
        and a deliberate second save goes through."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        form = type(self)(data, prefix=self.prefix, **{self.versioned_as: current})
        form.is_valid()
        form.add_error(None, message)
        return form


class NewSourceFields(VisibleTextForm, forms.Form):
    """A source pasted on the spot: its URL (normalised; an existing URL reuses that source), outlet, headline, date."""

    new_url = forms.CharField(label=_("URL sumber baru"), required=False, max_length=1000)
    new_outlet = forms.CharField(label=_("Media / penerbit"), required=False, max_length=200)
    new_headline = forms.CharField(label=_("Judul artikel"), required=False, max_length=500)
    new_published = forms.DateField(
        label=_("Tanggal terbit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[PUBLISHED_NOT_IN_FUTURE],
    )

    def clean_new_url(self):
        url = self.cleaned_data["new_url"].strip()
        return normalize_url(url) if url else ""

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("new_url")
        if url and not Source.objects.filter(url=url).exists():
            for name in ("new_outlet", "new_headline", "new_published"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Wajib diisi untuk sumber baru."))
        return cleaned

    def new_source_data(self) -> dict | None:
        url = self.cleaned_data.get("new_url")
        if not url:
            return None
        return {
            "url": url,
            "outlet": self.cleaned_data.get("new_outlet", ""),
            "headline": self.cleaned_data.get("new_headline", ""),
            "published": self.cleaned_data.get("new_published"),
        }


class StatusChangeForm(VersionedForm, NewSourceFields):
    versioned_as = "promise"
    status = forms.ChoiceField(label=_("Status baru"), choices=Promise.Status.choices)
    verification = forms.ChoiceField(
        label=_("Verifikasi"),
        choices=[("", _("— (hanya untuk Belum dinilai)")), *Promise.Verification.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    sources = forms.ModelMultipleChoiceField(
        label=_("Sumber yang sudah tercatat"),
        queryset=Source.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    recheck = forms.BooleanField(
        label=_("Diperiksa ulang: statusnya tetap"),
        required=False,
        help_text=_(
            "Centang bila Anda memeriksa janji ini lagi dan statusnya tidak berubah; "
            "tanggal “terakhir diperiksa” diperbarui."
        ),
    )

    field_order = [
        "status",
        "verification",
        "recheck",
        "reason",
        "sources",
        "new_url",
        "new_outlet",
        "new_headline",
        "new_published",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Source.objects.filter(promise_links__promise=self.versioned).order_by(
            "-published"
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        promise = self.versioned
        same = cleaned["status"] == promise.status and (cleaned.get("verification") or "") == promise.verification
        if cleaned.get("recheck") and not same:
            self.add_error(
                "recheck", _("Pemeriksaan ulang tidak mengubah status: pilih status yang sekarang, atau hapus centang.")
            )
            return cleaned
        if same and not cleaned.get("recheck"):
            self.add_error(
                "status",
                _(
                    "Status dan verifikasinya sama dengan yang sekarang. "
                    "Centang “Diperiksa ulang” bila Anda memeriksanya lagi."
                ),
            )
            return cleaned
        if cleaned.get("recheck"):
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", _("Tulis apa yang diperiksa ulang."))
            return cleaned
        try:
            StatusChange.check_rules(
                status=cleaned["status"],
                verification=cleaned.get("verification", ""),
                reason=cleaned.get("reason", ""),
                has_source=bool(cleaned.get("sources")) or bool(cleaned.get("new_url")),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field != "sources" else None, messages)
        return cleaned


READING_FIELDS = [
    "value",
    "value_max",
    "qualifier",
    "unit",
    "as_of",
    "as_of_precision",
    "period_start",
    "measure",
    "counts",
    "said_by",
    "said_by_name",
    "source",
]


class ReadingForm(VersionedForm, NewSourceFields):
    versioned_as = "indicator"
    value = forms.DecimalField(label=_("Nilai"), min_value=0, max_digits=20, decimal_places=2)
    value_max = forms.DecimalField(
        label=_("Nilai maksimum (bila rentang)"), min_value=0, max_digits=20, decimal_places=2, required=False
    )
    qualifier = forms.ChoiceField(label=_("Keterangan nilai"), choices=Reading.Qualifier.choices, required=False)
    unit = forms.CharField(label=_("Satuan"), max_length=30)
    as_of = forms.DateField(
        label=_("Per tanggal"), widget=forms.DateInput(attrs={"type": "date"}), validators=[AS_OF_NOT_IN_FUTURE]
    )
    as_of_precision = forms.ChoiceField(
        label=_("Ketelitian tanggal"),
        choices=Precision.choices,
        required=False,
        help_text=_("Bila sumber hanya menyebut bulan atau tahun, pilih itu; disimpan sebagai hari pertamanya."),
    )
    period_start = forms.DateField(
        label=_("Awal periode (bila angka selama suatu periode)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[AS_OF_NOT_IN_FUTURE],
    )
    measure = forms.ChoiceField(label=_("Jenis ukuran"), choices=Reading.Measure.choices, required=False)
    # No default: "target" or "Wali Kota" preselected would be saved whenever an editor skips the field.
    counts = forms.ChoiceField(label=_("Yang dihitung"), choices=[("", _("— pilih —")), *Reading.Counts.choices])
    said_by = forms.ChoiceField(label=_("Disampaikan oleh"), choices=[("", _("— pilih —")), *Reading.SaidBy.choices])
    said_by_name = forms.CharField(label=_("Nama / jabatan"), max_length=200, required=False)
    source = forms.ModelChoiceField(
        label=_("Sumber yang sudah tercatat"),
        queryset=Source.objects.none(),
        required=False,
        empty_label=_("— pilih, atau tempel URL sumber baru di bawah"),
    )
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)

    field_order = [*READING_FIELDS, "new_url", "new_outlet", "new_headline", "new_published", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        indicator = self.versioned
        self.fields["source"].queryset = (
            Source.objects.filter(Q(readings__indicator=indicator) | Q(promise_links__promise__indicators=indicator))
            .distinct()
            .order_by("-published", "outlet")
        )
        self.fields["unit"].initial = indicator.unit

    def reading_values(self) -> dict:
        """The cleaned fields that become the Reading (the pasted source is handled apart)."""
        return {name: self.cleaned_data[name] for name in [*READING_FIELDS, "note"]}

    def clean(self):
        cleaned = super().clean()
        cleaned["as_of_precision"] = precision = cleaned.get("as_of_precision") or Precision.DAY
        cleaned["measure"] = cleaned.get("measure") or Reading.Measure.TOTAL
        for name in ("as_of", "period_start"):  # "Agustus 2025" is stored as 1 August 2025
            if cleaned.get(name):
                cleaned[name] = at_precision(cleaned[name], precision)
        rules = {name: cleaned.get(name) for name in ("value", "value_max", "as_of", "period_start", "measure")}
        try:  # the model's own rules on the fields that are valid so far (range, period)
            Reading(**rules).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        if not self.errors and not cleaned.get("source") and not cleaned.get("new_url"):
            self.add_error("source", _("Pilih sumber yang sudah tercatat atau tempel URL sumber baru."))
        return cleaned


class ReadingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, reading: Reading) -> str:
        parts = [reading.as_of_label, reading_value(reading), reading.get_counts_display(), reading.source.outlet]
        return " · ".join(parts)


class ConflictMarkForm(VersionedForm):
    """An editor's judgement on two of an indicator's figures, shown publicly with its reason."""

    versioned_as = "indicator"
    first = ReadingChoiceField(label=_("Angka pertama"), queryset=Reading.objects.none())
    second = ReadingChoiceField(label=_("Angka kedua"), queryset=Reading.objects.none())
    conflicting = forms.TypedChoiceField(
        label=_("Penilaian"),
        choices=[("ya", _("Bertentangan")), ("tidak", _("Tidak bertentangan"))],
        coerce=lambda value: value == "ya",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Alasan (ditampilkan di halaman indikator)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        readings = Reading.objects.filter(indicator=self.versioned).select_related("source").order_by("as_of", "pk")
        self.fields["first"].queryset = self.fields["second"].queryset = readings

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("first") and cleaned.get("first") == cleaned.get("second"):
            self.add_error("second", _("Pilih dua angka yang berbeda."))
        return cleaned


class ProposalDecisionForm(VersionedForm):
    """A second editor's decision on a proposed verdict."""

    versioned_as = "promise"
    decision = forms.ChoiceField(
        label=_("Putusan"),
        choices=[("setujui", _("Setujui: tampilkan putusan ini")), ("tolak", _("Tolak"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Catatan (wajib bila menolak)"), max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "tolak" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Tulis alasan penolakan."))
        return cleaned


class SourceForm(VisibleTextForm, forms.ModelForm):
    class Meta:
        model = Source
        fields = ["url", "outlet", "headline", "published", "published_note", "kind", "reliability", "reliability_note"]
        widgets = {"published": forms.DateInput(attrs={"type": "date"}), "url": forms.URLInput}

    def validate_unique(self):
        # A URL that already exists is not an error: the view points to the existing source instead. The
        # URL is the only field-level unique check (the data key has its own constraint and is not here).
        pass


class PromiseTextForm(VersionedForm, forms.ModelForm):
    """An editor's change to a promise's own texts (never its status: that has its own form and history)."""

    class Meta:
        model = Promise
        fields = ["title", "description", "success_criteria", "deadline", "deadline_note", "opd"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = 5000
        self.fields["success_criteria"].max_length = 2000

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
