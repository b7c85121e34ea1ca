import re

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .formatting import reading_value
from .models import Indicator, Promise, PromiseSource, Reading, Report, Sector, Source, StatusChange, normalize_url
from .models.dates import AS_OF_NOT_IN_FUTURE, PUBLISHED_NOT_IN_FUTURE, Precision, at_precision
from .models.promise import NATURAL_CODE
from .models.source import list_order as source_list_order
from .models.text import MESSAGE as INVISIBLE_MESSAGE
from .models.text import invisible_character
from .widgets import QuickSelect

SORTS = {
    "kode": NATURAL_CODE,
    "judul": ("title",),
    "status": ("status", "code"),
    "terbaru": ("-updated_at", "code"),
}


def sector_filter() -> forms.ModelChoiceField:
    """The "Bidang" filter of the lists, by the sector's slug in the query string."""
    return forms.ModelChoiceField(
        label=_("Bidang"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Semua bidang"),
        widget=QuickSelect,
    )


class PromiseFilterForm(forms.Form):
    """The promise list's filters; every value lives in the query string so a link can be shared."""

    q = forms.CharField(label=_("Cari janji"), required=False, max_length=100)
    bidang = sector_filter()
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Semua status")), *Promise.Status.choices],
        required=False,
        widget=QuickSelect,
    )
    verifikasi = forms.ChoiceField(
        label=_("Verifikasi"),
        choices=[("", _("Semua tingkat")), *Promise.Verification.choices],
        required=False,
        widget=QuickSelect,
    )
    asal = forms.ChoiceField(
        label=_("Asal janji"),
        choices=[("", _("Semua asal")), *Promise.Origin.choices],
        required=False,
        widget=QuickSelect,
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
        widget=QuickSelect,
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


class IndicatorFilterForm(forms.Form):
    """The filters of the page of all indicators (`/angka/`), in the query string like the promise list's."""

    STATES = {
        "realisasi": _("Ada angka realisasi"),
        "belum": _("Belum ada angka realisasi"),
        "bertentangan": _("Angka dari sumber berbeda-beda"),
    }

    bidang = sector_filter()
    keadaan = forms.ChoiceField(
        label=_("Keadaan angka"), choices=[("", _("Semua")), *STATES.items()], required=False, widget=QuickSelect
    )

    def filter(self, indicators):
        """The indicators (a queryset) narrowed by sector and state: in SQL but for "bertentangan", which needs
        the conflict rule (models/conflict.py) and so every indicator's figures; that one gives a list."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("bidang"):
            indicators = indicators.filter(sector=data["bidang"])
        realised = indicators.with_realised_figure()
        state = data.get("keadaan")
        if state == "realisasi":
            return realised
        if state == "belum":
            return indicators.exclude(pk__in=realised.values("pk"))
        if state == "bertentangan":
            return [i for i in indicators.for_cards() if i.conflicts()]
        return indicators


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


def source_kind_field() -> forms.ChoiceField:
    """What a source is, for an editor recording one (field checks are ours, not a choice here)."""
    choices = [(k, v) for k, v in Source.Kind.choices if k != Source.Kind.LAPANGAN]
    return forms.ChoiceField(label=_("Jenis sumber"), choices=[("", _("— pilih —")), *choices], required=False)


def published_field() -> forms.DateField:
    return forms.DateField(
        label=_("Tanggal terbit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[PUBLISHED_NOT_IN_FUTURE],
    )


class NewSourceFields(VisibleTextForm, forms.Form):
    """A source pasted on the spot: its URL (normalised; an existing URL reuses that source), outlet, headline, kind
    and date, or "date unknown" (most articles online show none)."""

    new_url = forms.CharField(label=_("URL sumber baru"), required=False, max_length=1000)
    new_outlet = forms.CharField(label=_("Media / penerbit"), required=False, max_length=200)
    new_headline = forms.CharField(label=_("Judul artikel"), required=False, max_length=500)
    new_kind = source_kind_field()
    new_published = published_field()
    new_date_unknown = forms.BooleanField(label=_("Tanggal terbit tidak diketahui"), required=False)

    def clean_new_url(self):
        url = self.cleaned_data["new_url"].strip()
        return normalize_url(url) if url else ""

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("new_url")
        if url and Source.objects.for_url(url) is None:
            for name in ("new_outlet", "new_headline", "new_kind"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Wajib diisi untuk sumber baru."))
            dated = cleaned.get("new_published") or cleaned.get("new_date_unknown")
            if not dated and "new_published" not in self.errors:
                self.add_error("new_published", _("Isi tanggal terbit, atau centang “tanggal tidak diketahui”."))
        return cleaned

    def new_source_data(self) -> dict | None:
        url = self.cleaned_data.get("new_url")
        if not url:
            return None
        published = self.cleaned_data.get("new_published")
        return {
            "url": url,
            "outlet": self.cleaned_data.get("new_outlet", ""),
            "headline": self.cleaned_data.get("new_headline", ""),
            "kind": self.cleaned_data.get("new_kind") or Source.Kind.MEDIA,
            "published": published,
            "published_note": "" if published else DATE_UNKNOWN,
        }


# Stored on the source (data, so always in Indonesian whatever language the editor browses in).
DATE_UNKNOWN = "tanggal terbit tidak diketahui"


class SourcePicker(forms.Form):
    """ "Cari sumber lain": a search by outlet, headline or URL whose matches join the form's source choices.

    The search is a submit button (`cari_sumber`): without JavaScript the page comes back with the matches to
    choose from; with htmx the same POST swaps the form. `searched()` is that form again, unbound (no errors yet),
    with the editor's input kept. Forms call `pick_sources()` once their own source choices are set.
    """

    picker_field = "sources"
    PICKER_LIMIT = 20
    source_q = forms.CharField(label=_("Cari sumber lain (media, judul atau URL)"), required=False, max_length=200)

    def pick_sources(self) -> None:
        data = self.data if self.is_bound else self.initial
        query = str(data.get(self.add_prefix("source_q") if self.is_bound else "source_q") or "").strip()
        if query:
            field = self.fields[self.picker_field]
            found = list(Source.objects.search(query).values_list("pk", flat=True)[: self.PICKER_LIMIT])
            field.queryset = Source.objects.filter(Q(pk__in=field.queryset.values("pk")) | Q(pk__in=found)).order_by(
                *source_list_order()
            )

    def searched(self, **kwargs) -> "SourcePicker":
        initial = {}
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if isinstance(field, forms.ModelMultipleChoiceField):
                initial[name] = self.data.getlist(key)
            elif key in self.data:
                initial[name] = self.data.get(key)
        return type(self)(initial=initial, prefix=self.prefix, **kwargs)


NEW_SOURCE_FIELDS = ["new_url", "new_outlet", "new_headline", "new_kind", "new_published", "new_date_unknown"]


def check_status_row(form: forms.Form, promise: Promise, cleaned: dict, *, has_source: bool) -> None:
    """The rules of a status save, for the promise page's form and the desk's status rows alike: a recheck keeps
    the current status; the current status again needs "Diperiksa ulang"; a change follows
    `StatusChange.check_rules`. Errors go on the form's fields (a missing source on the form as a whole)."""
    same = cleaned["status"] == promise.status and (cleaned.get("verification") or "") == promise.verification
    if cleaned.get("recheck") and not same:
        form.add_error(
            "recheck", _("Pemeriksaan ulang tidak mengubah status: pilih status yang sekarang, atau hapus centang.")
        )
    elif same and not cleaned.get("recheck"):
        form.add_error(
            "status",
            _(
                "Status dan verifikasinya sama dengan yang sekarang. "
                "Centang “Diperiksa ulang” bila Anda memeriksanya lagi."
            ),
        )
    elif not cleaned.get("recheck"):
        try:
            StatusChange.check_rules(
                status=cleaned["status"],
                verification=cleaned.get("verification", ""),
                reason=cleaned.get("reason", ""),
                has_source=has_source,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields and field != "sources" else None, messages)


class StatusChangeForm(SourcePicker, VersionedForm, NewSourceFields):
    versioned_as = "promise"
    status = forms.ChoiceField(label=_("Status baru"), choices=Promise.Status.choices)
    verification = forms.ChoiceField(
        label=_("Verifikasi"),
        choices=[("", _("— pilih (kosong hanya untuk Belum dinilai) —")), *Promise.Verification.choices],
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
        "source_q",
        *NEW_SOURCE_FIELDS,
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = Source.objects.filter(promise_links__promise=self.versioned).order_by(
            "-published"
        )
        self.pick_sources()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        check_status_row(
            self, self.versioned, cleaned, has_source=bool(cleaned.get("sources")) or bool(cleaned.get("new_url"))
        )
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


class AmountField(forms.DecimalField):
    """A number as it is written here, in articles and by editors: "1.347", "23.000", "1.300,5" and "2,5" as well
    as "1347.5". Three digits after a dot are thousands ("1.300" is one thousand three hundred, never 1,3), which a
    number input would refuse or misread, so the field is a text input that asks for the decimal keypad."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?")
    DECIMAL_COMMA = re.compile(r"\d+,\d+")

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "")
            if self.THOUSANDS.fullmatch(text):
                text = text.replace(".", "").replace(",", ".")
            elif self.DECIMAL_COMMA.fullmatch(text):
                text = text.replace(",", ".")
            value = text
        return super().to_python(value)


class ReadingFields(VisibleTextForm, forms.Form):
    """What a figure says, as its source says it: the fields of a reading, on the indicator page and on the desk."""

    value = AmountField(label=_("Nilai"), min_value=0, max_digits=20, decimal_places=2)
    value_max = AmountField(
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
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)
    before_term = forms.BooleanField(
        label=_("Ya, angka ini dari sebelum masa jabatan pemerintahan ini"),
        required=False,
        help_text=_("Hanya diminta bila tanggalnya sebelum pelantikan."),
    )

    administration = None  # set by the form that knows it: dates before its term ask for a confirmation

    def reading_values(self) -> dict:
        """The cleaned fields that become the Reading (the source is handled apart)."""
        return {name: self.cleaned_data[name] for name in READING_FIELDS if name != "source"} | {
            "note": self.cleaned_data["note"]
        }

    def clean(self):
        cleaned = super().clean()
        cleaned["as_of_precision"] = precision = cleaned.get("as_of_precision") or Precision.DAY
        cleaned["measure"] = cleaned.get("measure") or Reading.Measure.TOTAL
        for name in ("as_of", "period_start"):  # "Agustus 2025" is stored as 1 August 2025
            if cleaned.get(name):
                cleaned[name] = at_precision(cleaned[name], precision)
        rules = {name: cleaned.get(name) for name in ("value", "value_max", "as_of", "period_start", "measure", "unit")}
        try:  # the model's own rules on the fields that are valid so far (range, period)
            Reading(**rules).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        before = self.administration is not None and self.administration.before_term(cleaned.get("as_of"))
        if before and not cleaned.get("before_term"):
            self.add_error("before_term", before_term_message(self.administration))
        return cleaned


def before_term_message(administration) -> str:
    return _(
        "Tanggal ini sebelum masa jabatan %(head)s (mulai %(date)s). Centang konfirmasi bila memang dari masa itu."
    ) % {"head": administration.head, "date": date_format(administration.term_start, "j F Y")}


class ReadingForm(SourcePicker, VersionedForm, NewSourceFields, ReadingFields):
    versioned_as = "indicator"
    picker_field = "source"
    source = forms.ModelChoiceField(
        label=_("Sumber yang sudah tercatat"),
        queryset=Source.objects.none(),
        required=False,
        empty_label=_("— pilih, atau tempel URL sumber baru di bawah"),
    )

    field_order = [*READING_FIELDS, "source_q", *NEW_SOURCE_FIELDS, "note", "before_term"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        indicator = self.versioned
        self.administration = indicator.promise.administration if indicator.promise_id else None
        # Two indexed subqueries (the sources of its figures, the sources linked to its promise), not one OR
        # over two joins with DISTINCT, which grew with all the data (perf.md, section 5).
        self.fields["source"].queryset = Source.objects.filter(
            Q(pk__in=Reading.objects.filter(indicator=indicator).values("source_id"))
            | Q(pk__in=PromiseSource.objects.filter(promise_id=indicator.promise_id).values("source_id"))
        ).order_by("-published", "outlet")
        self.fields["unit"].initial = indicator.unit
        self.pick_sources()

    def reading_values(self) -> dict:
        return super().reading_values() | {"source": self.cleaned_data["source"]}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("source") and not cleaned.get("new_url"):
            self.add_error("source", _("Pilih sumber yang sudah tercatat atau tempel URL sumber baru."))
        return cleaned


class ReadingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, reading: Reading) -> str:
        parts = [reading.as_of_label, reading_value(reading), reading.get_counts_display(), reading.source.outlet]
        return " · ".join(parts)


def show_loaded_readings(form: "VersionedForm", names: list[str], keep=lambda reading: True) -> None:
    """An unbound form on the indicator page draws its figure choices from the figures the page has loaded already
    (`with_readings()`, in ledger order), labelled once for all its fields, instead of one query and one set of
    labels per field; a bound form still checks the choice against the field's queryset."""
    indicator = form.versioned
    if form.is_bound or "readings" not in getattr(indicator, "_prefetched_objects_cache", {}):
        return
    first = form.fields[names[0]]
    choices = [("", first.empty_label)] if first.empty_label is not None else []
    choices += [(reading.pk, first.label_from_instance(reading)) for reading in indicator.ledger() if keep(reading)]
    for name in names:
        form.fields[name].widget.choices = choices


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
        show_loaded_readings(self, ["first", "second"])

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
        fields = [
            "url",
            "outlet",
            "headline",
            "summary",
            "published",
            "published_precision",
            "published_note",
            "kind",
            "reliability",
            "reliability_note",
        ]
        widgets = {"published": forms.DateInput(attrs={"type": "date"}), "url": forms.URLInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_precision"].required = False

    def clean_published_precision(self):
        return self.cleaned_data.get("published_precision") or Precision.DAY

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


# The editors' desk (views/desk.py): one article, everything it says.

RELIABILITY_CHOICES = [
    ("biasa", _("Biasa: tidak ada putusan keandalan")),
    (Source.Reliability.ADVERTORIAL, _("Advertorial: konten berbayar atau rilis yang dimuat apa adanya")),
    (Source.Reliability.PARTISAN, _("Partisan: diterbitkan pihak yang berkepentingan")),
    (Source.Reliability.SALINAN, _("Salinan: menyalin artikel situs lain")),
]


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects loaded once per request: a desk with twenty rows runs one query for its promises,
    not twenty (a ModelChoiceField queries again for every form it is rendered in)."""

    def __init__(self, *, label_of, **kwargs):
        super().__init__(**kwargs)
        self.label_of = label_of
        self.by_key = {}

    def set_objects(self, objects) -> None:
        self.by_key = {str(obj.pk): obj for obj in objects}
        self.choices = [("", _("— pilih —")), *((key, self.label_of(obj)) for key, obj in self.by_key.items())]

    def clean(self, value):
        value = super().clean(value)
        return self.by_key.get(value) if value else None


def promise_label(promise: Promise) -> str:
    return f"{promise.code} · {promise.title}"


def indicator_label(indicator) -> str:
    return f"{indicator.name} ({indicator.unit}) · {indicator.promise.code}"


class ArticleForm(VisibleTextForm, forms.Form):
    """The article itself: its URL, and for a source not yet recorded what it is."""

    url = forms.CharField(label=_("URL artikel"), max_length=1000, widget=forms.URLInput)
    outlet = forms.CharField(label=_("Media / penerbit"), max_length=200, required=False)
    headline = forms.CharField(label=_("Judul artikel (persis)"), max_length=500, required=False)
    kind = source_kind_field()
    published = published_field()
    published_precision = forms.ChoiceField(label=_("Ketelitian tanggal"), choices=Precision.choices, required=False)
    date_unknown = forms.BooleanField(label=_("Tanggal terbit tidak diketahui"), required=False)
    reliability = forms.ChoiceField(
        label=_("Keandalan"),
        choices=RELIABILITY_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Pilih salah satu. “Biasa” untuk liputan atau dokumen pada umumnya; selain itu tampil sebagai "
            "“keandalan rendah”."
        ),
    )
    summary = forms.CharField(
        label=_("Ringkasan satu kalimat"),
        max_length=300,
        required=False,
        help_text=_("Netral, dengan kata-kata sendiri: apa yang dilaporkan artikel ini."),
    )
    before_term = forms.BooleanField(label=_("Ya, artikel ini dari sebelum masa jabatan"), required=False)
    # Who gives the article's figures, chosen once: every figure row added afterwards starts with it (and can
    # be changed row by row). Nothing is chosen for the editor.
    said_by = forms.ChoiceField(
        label=_("Angka yang ditambahkan disampaikan oleh"),
        choices=[("", _("— belum dipilih —")), *Reading.SaidBy.choices],
        required=False,
        help_text=_("Berlaku untuk setiap angka yang ditambahkan sesudahnya; ubah di barisnya bila orangnya lain."),
    )
    said_by_name = forms.CharField(label=_("Nama / jabatan"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Teks artikel (tidak wajib)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Tempel teksnya untuk saran angka, janji dan indikator. Teks ini tidak disimpan."),
    )

    def __init__(self, *args, administration=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.administration = administration
        self.source = None  # the known source, once the URL is clean

    def clean_url(self):
        url = normalize_url(self.cleaned_data["url"])
        self.source = Source.objects.for_url(url)
        return url

    def clean(self):
        cleaned = super().clean()
        if "url" in self.errors:
            return cleaned
        if self.source is not None:
            if self.source.published is None:  # a known source's missing date, given now: the term rule holds
                self._check_term(cleaned)
            return cleaned
        for name in ("outlet", "headline", "kind", "reliability"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Wajib diisi untuk sumber baru."))
        if not cleaned.get("published") and not cleaned.get("date_unknown") and "published" not in self.errors:
            self.add_error("published", _("Isi tanggal terbit, atau centang “tanggal tidak diketahui”."))
        self._check_term(cleaned)
        return cleaned

    def _check_term(self, cleaned: dict) -> None:
        before = self.administration is not None and self.administration.before_term(cleaned.get("published"))
        if before and not cleaned.get("before_term"):
            self.add_error("before_term", before_term_message(self.administration))

    def known_source_date(self) -> tuple | None:
        """(date, precision) for a known source that has no publication date yet and was given one here."""
        data = self.cleaned_data
        if self.source is None or self.source.published is not None or not data.get("published"):
            return None
        precision = data.get("published_precision") or Precision.DAY
        return at_precision(data["published"], precision), precision

    def new_source_data(self) -> dict | None:
        if self.source is not None:
            return None
        data = self.cleaned_data
        precision = data.get("published_precision") or Precision.DAY
        published = at_precision(data["published"], precision) if data.get("published") else None
        return {
            "url": data["url"],
            "outlet": data["outlet"],
            "headline": data["headline"],
            "kind": data["kind"],
            "published": published,
            "published_precision": precision,
            "published_note": "" if published else DATE_UNKNOWN,
            "reliability": "" if data["reliability"] == "biasa" else data["reliability"],
            "summary": data["summary"],
        }


class LinkRowForm(VisibleTextForm, forms.Form):
    """The article is about a promise without changing its status."""

    promise = ObjectChoiceField(label=_("Janji"), label_of=promise_label)
    note = forms.CharField(
        label=_("Apa kata artikel tentang janji ini"),
        max_length=500,
        required=False,
        help_text=_("Boleh dikosongkan bila judul artikelnya sudah cukup; halaman janji selalu menampilkan judul itu."),
    )

    def __init__(self, *args, promises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promise"].set_objects(promises)


class ReadingRowForm(ReadingFields):
    """A figure the article gives for an indicator (its source is the article)."""

    indicator = ObjectChoiceField(label=_("Indikator"), label_of=indicator_label)

    field_order = ["indicator", *READING_FIELDS, "note", "before_term"]

    def __init__(self, *args, indicators=(), administration=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].set_objects(indicators)
        self.administration = administration

    def row(self) -> dict:
        return {"indicator": self.cleaned_data["indicator"], **self.reading_values()}


class StatusRowForm(VisibleTextForm, forms.Form):
    """A status change (or a recheck, or a proposed verdict) the article supports."""

    promise = ObjectChoiceField(label=_("Janji"), label_of=promise_label)
    status = forms.ChoiceField(label=_("Status baru"), choices=Promise.Status.choices)
    verification = forms.ChoiceField(
        label=_("Verifikasi"),
        choices=[("", _("— pilih (kosong hanya untuk Belum dinilai) —")), *Promise.Verification.choices],
        required=False,
    )
    recheck = forms.BooleanField(label=_("Diperiksa ulang: statusnya tetap"), required=False)
    reason = forms.CharField(label=_("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, promises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promise"].set_objects(promises)

    def clean(self):
        cleaned = super().clean()
        promise = cleaned.get("promise")
        if self.errors or promise is None:
            return cleaned
        check_status_row(self, promise, cleaned, has_source=True)
        return cleaned

    def row(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("promise", "status", "verification", "recheck", "reason")}


class PromiseNewForm(NewSourceFields, forms.ModelForm):
    """A promise an article needs: what, where and when it was promised and its source, and the criteria it will
    be rated by, written before any rating."""

    class Meta:
        model = Promise
        fields = [
            "title",
            "origin",
            "sector",
            "description",
            "made_on",
            "made_where",
            "success_criteria",
            "deadline",
            "deadline_note",
            "opd",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "made_on": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    field_order = [*Meta.fields[:6], *NEW_SOURCE_FIELDS, *Meta.fields[6:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["success_criteria"].required = True
        self.fields["success_criteria"].help_text = _(
            "Tulis sekarang, sebelum janji ini dinilai: apa yang harus terjadi agar janji ini ditepati."
        )
        self.fields["new_url"].required = True
        self.fields["new_url"].label = _("URL sumber janji")
        self.fields["new_url"].help_text = _("Artikel atau dokumen tempat janji ini dibuat atau pertama tercatat.")
        self.fields["description"].max_length = 5000
        self.fields["success_criteria"].max_length = 2000

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class IndicatorNewForm(VisibleTextForm, forms.ModelForm):
    """A countable milestone of a promise; its target and baseline each rest on one of the promise's sources."""

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "description",
            "cumulative",
            "target_value",
            "target_source",
            "target_note",
            "baseline_value",
            "baseline_as_of",
            "baseline_source",
            "baseline_note",
        ]
        field_classes = {"target_value": AmountField, "baseline_value": AmountField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "baseline_as_of": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, promise: Promise, **kwargs):
        super().__init__(*args, **kwargs)
        sources = Source.objects.filter(promise_links__promise=promise).order_by("-published", "outlet")
        for name in ("target_source", "baseline_source"):
            self.fields[name].queryset = sources
            self.fields[name].help_text = _("Sumber yang sudah ditautkan ke janji ini (lewat “Catat artikel”).")

    def clean(self):
        cleaned = super().clean()
        for what in ("target", "baseline"):
            if cleaned.get(f"{what}_value") is not None and not cleaned.get(f"{what}_source"):
                self.add_error(f"{what}_source", _("Angka ini perlu sumbernya."))
        for name in ("target_value", "baseline_value"):
            if cleaned.get(name) is not None and cleaned[name] < 0:
                self.add_error(name, _("Nilai tidak boleh negatif."))
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ReadingFixForm(VersionedForm):
    """Withdraw a figure with a reason, or correct it: the fields filled in replace the old ones."""

    versioned_as = "indicator"
    reading = ReadingChoiceField(label=_("Angka"), queryset=Reading.objects.none())
    action = forms.ChoiceField(
        label=_("Tindakan"),
        choices=[("koreksi", _("Koreksi: ganti dengan angka yang benar")), ("tarik", _("Tarik: angka ini salah"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Alasan (ditampilkan)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    value = AmountField(label=_("Nilai yang benar"), min_value=0, max_digits=20, decimal_places=2, required=False)
    value_max = AmountField(
        label=_("Nilai maksimum yang benar (bila rentang)"),
        min_value=0,
        max_digits=20,
        decimal_places=2,
        required=False,
    )
    qualifier = forms.ChoiceField(
        label=_("Keterangan nilai"), choices=[("-", _("— tetap —")), *Reading.Qualifier.choices], required=False
    )
    as_of = forms.DateField(
        label=_("Per tanggal yang benar"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[AS_OF_NOT_IN_FUTURE],
    )
    as_of_precision = forms.ChoiceField(
        label=_("Ketelitian tanggal"), choices=[("", _("— tetap —")), *Precision.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reading"].queryset = (
            Reading.objects.filter(indicator=self.versioned, withdrawn_at__isnull=True)
            .select_related("source")
            .order_by("as_of", "pk")
        )
        show_loaded_readings(self, ["reading"], keep=lambda reading: reading.withdrawn_at is None)

    def correction(self) -> dict | None:
        data = self.cleaned_data
        if data["action"] != "koreksi":
            return None
        fields = {name: data[name] for name in ("value", "value_max", "as_of") if data.get(name) is not None}
        if data.get("qualifier") not in (None, "-"):
            fields["qualifier"] = data["qualifier"]
        if data.get("as_of_precision"):
            fields["as_of_precision"] = data["as_of_precision"]
        if "as_of" in fields:
            fields["as_of"] = at_precision(
                fields["as_of"], fields.get("as_of_precision") or data["reading"].as_of_precision
            )
        return fields

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned["action"] == "koreksi" and not self.correction():
            self.add_error("value", _("Isi nilai, tanggal atau keterangan yang benar untuk koreksi."))
        return cleaned


class IndicatorNoteForm(VersionedForm):
    """The indicator's reconciliation note: what its figures, and the conflicts between them, mean."""

    versioned_as = "indicator"
    note = forms.CharField(
        label=_("Catatan rekonsiliasi (tampil di halaman indikator)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["note"].initial = self.versioned.note


# Readers' reports (issue 13)

HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^<>]*>")
# Indonesian numbers as people write them: 0812-3456-7890, +62 812 3456 7890, 62812…; 9 to 15 digits.
PHONE = re.compile(r"^(\+?62|0)[0-9]{8,13}$")


class ReportForm(VisibleTextForm, forms.Form):
    """What a reader sends: no account, plain text, the contact optional and seen by editors only."""

    text = forms.CharField(
        label=_("Apa yang salah atau baru?"),
        max_length=Report.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Tulis dengan kata-kata Anda sendiri: angka, tanggal, tempat, siapa yang mengatakannya."),
        error_messages={"required": _("Tuliskan apa yang salah atau apa kabar barunya.")},
    )
    evidence_url = forms.URLField(
        label=_("Tautan bukti (boleh kosong)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Berita, dokumen, atau unggahan resmi yang menunjukkannya."),
        error_messages={"invalid": _("Tautan ini tidak dapat dibaca. Salin alamat lengkapnya, mis. https://…")},
    )
    name = forms.CharField(label=_("Nama (boleh kosong)"), max_length=Report.NAME_MAX, required=False)
    name_public = forms.BooleanField(
        label=_("Nama saya boleh ditampilkan bila laporan ini ditindaklanjuti"), required=False
    )
    contact = forms.CharField(
        label=_("Nomor WhatsApp atau e-mail (boleh kosong, tidak pernah ditampilkan)"),
        max_length=Report.CONTACT_MAX,
        required=False,
        help_text=_("Hanya untuk editor, bila perlu bertanya kepada Anda."),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by bots that fill every field.
    website = forms.CharField(label=_("Jangan isi kolom ini"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("text", "name", "contact"):
            self.fields[name].error_messages["max_length"] = _(
                "Paling banyak %(limit_value)d karakter (sekarang %(show_value)d)."
            )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["contact"].widget.attrs.update({"autocomplete": "off", "inputmode": "email"})

    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean_text(self):
        text = self.cleaned_data["text"]
        if HTML_TAG.search(text):
            raise ValidationError(_("Tulis teks biasa saja, tanpa kode HTML."))
        return text

    def clean_evidence_url(self):
        url = self.cleaned_data["evidence_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(_("Tautan harus diawali http:// atau https://."))
        return url

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if not contact:
            return ""
        if "@" in contact:
            try:
                validators.validate_email(contact)
            except ValidationError:
                raise ValidationError(
                    _("Alamat e-mail ini tidak dapat dipakai. Periksa lagi, mis. nama@contoh.id.")
                ) from None
            return contact
        digits = re.sub(r"[\s().-]", "", contact)
        if not PHONE.fullmatch(digits):
            raise ValidationError(
                _("Tulis nomor WhatsApp seperti 0812 3456 7890 atau +62 812 3456 7890, atau sebuah alamat e-mail.")
            )
        return contact

    def report_values(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "evidence_url": data["evidence_url"],
            "name": data["name"].strip(),
            "name_public": data["name_public"] and bool(data["name"].strip()),
            "contact": data["contact"],
        }


class ReportCloseForm(VisibleTextForm, forms.Form):
    reason = forms.CharField(
        label=_("Alasan ditutup"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hanya untuk editor, mis. “sudah tercatat”, “tidak ada sumber yang dapat diperiksa”."),
        error_messages={"required": _("Tulis alasan menutup laporan ini.")},
    )


class ReportDuplicateForm(forms.Form):
    of = forms.CharField(
        label=_("Duplikat dari laporan nomor"),
        max_length=12,
        error_messages={"required": _("Tulis nomor laporan yang sama isinya, mis. K7Q4-M2XP.")},
    )

    def clean_of(self):
        receipt = self.cleaned_data["of"].strip().upper()
        if len(receipt) == 8 and "-" not in receipt:
            receipt = f"{receipt[:4]}-{receipt[4:]}"
        other = Report.objects.filter(receipt=receipt).first()
        if other is None:
            raise ValidationError(_("Tidak ada laporan bernomor %(receipt)s.") % {"receipt": receipt})
        return other
