from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import admin_import, cache, onboarding, services
from .forms import READING_FIELDS, VersionedForm, VisibleTextForm, VisibleTextModelForm
from .models import (
    Administration,
    Claim,
    ClaimItem,
    ConflictMark,
    Indicator,
    LogEntry,
    Programme,
    Promise,
    PromiseSource,
    Reading,
    Report,
    Sector,
    SiteProfile,
    Source,
    StatusChange,
    StatusProposal,
)

admin.site.site_header = _("Pantau Janji Kupang — admin")
admin.site.site_title = _("Pantau Janji Kupang")
admin.site.index_title = _("Pengelolaan data")


class ProgrammeInline(admin.TabularInline):
    form = VisibleTextModelForm
    model = Programme
    extra = 0
    filter_horizontal = ["sources"]


@admin.register(Administration)
class AdministrationAdmin(admin.ModelAdmin):
    form = VisibleTextModelForm
    list_display = ["name", "region", "term_start", "declared_promises", "is_default"]
    search_fields = ["name", "region", "head", "deputy"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgrammeInline]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    form = VisibleTextModelForm
    list_display = ["name", "slug", "programme", "rpjmd", "order"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class ReplaceSourceForm(VisibleTextForm, forms.Form):
    new = forms.ModelChoiceField(label=_("Sumber pengganti"), queryset=Source.objects.none())
    reason = forms.CharField(
        label=_("Alasan (ditampilkan di halaman sumber)"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, old: Source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new"].queryset = Source.objects.exclude(pk=old.pk).order_by("outlet", "headline")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = VisibleTextModelForm
    list_display = ["headline", "outlet", "published", "kind", "reliability", "key"]
    list_filter = ["kind", "reliability", "outlet"]
    search_fields = ["headline", "outlet", "url", "key"]
    date_hierarchy = "published"
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view(self.replace_view)
        return [path("<int:pk>/ganti/", view, name="promises_source_replace"), *super().get_urls()]

    def replace_view(self, request, pk: int):
        """Replace a wrong source everywhere it is cited, with a public reason (a cited source cannot be deleted)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        old = get_object_or_404(Source, pk=pk)
        form = ReplaceSourceForm(request.POST or None, old=old)
        if request.method == "POST" and form.is_valid():
            new = form.cleaned_data["new"]
            services.replace_source(old, new, reason=form.cleaned_data["reason"], editor=request.user)
            self.message_user(request, _("Sumber diganti di semua tempat yang mengutipnya."), messages.SUCCESS)
            return redirect("admin:promises_source_change", new.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": old,
            "form": form,
            "title": _("Ganti sumber"),
        }
        return TemplateResponse(request, "admin/promises/source/replace.html", context)


class PromiseSourceInline(admin.TabularInline):
    form = VisibleTextModelForm
    model = PromiseSource
    extra = 0
    autocomplete_fields = ["source"]


class StatusChangeInline(admin.TabularInline):
    """The timeline, read-only: history is appended by the status-change service only."""

    form = VisibleTextModelForm
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "verification", "reason", "editor"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PromiseAdminForm(VersionedForm, forms.ModelForm):
    """The promise's own fields plus an optional status change, checked by the same rules as the public form."""

    new_status = forms.ChoiceField(label=_("Status baru"), choices=[("", "—"), *Promise.Status.choices], required=False)
    new_verification = forms.ChoiceField(
        label=_("Verifikasi"), choices=[("", "—"), *Promise.Verification.choices], required=False
    )
    change_reason = forms.CharField(
        label=_("Alasan perubahan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    change_sources = forms.ModelMultipleChoiceField(
        label=_("Sumber perubahan"), queryset=Source.objects.all(), required=False
    )

    class Meta:
        model = Promise
        fields = [
            "administration",
            "code",
            "number",
            "title",
            "slug",
            "description",
            "sector",
            "programme",
            "origin",
            "made_on",
            "made_where",
            "made_source",
            "success_criteria",
            "deadline",
            "deadline_note",
            "opd",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") not in (None, self.instance.version):
            raise ValidationError(
                _("Janji ini sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman lalu ulangi.")
            )
        if cleaned.get("new_status"):
            try:
                StatusChange.check_rules(
                    status=cleaned["new_status"],
                    verification=cleaned.get("new_verification", ""),
                    reason=cleaned.get("change_reason", ""),
                    has_source=bool(cleaned.get("change_sources")),
                )
            except ValidationError as error:
                field_names = {
                    "status": "new_status",
                    "verification": "new_verification",
                    "reason": "change_reason",
                    "sources": "change_sources",
                }
                for field, messages_ in error.message_dict.items():
                    self.add_error(field_names.get(field), messages_)
        return cleaned


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin):
    """Promises through the same version-checked services as the public pages; a save is one transaction.

    The text edit, the optional status change and the inline rows are saved together or not at all: when
    someone else saved the promise after the form was loaded, nothing is written and one message says so.
    """

    form = PromiseAdminForm
    list_display = ["code", "title", "sector", "origin", "status", "verification", "last_checked"]
    list_filter = ["status", "verification", "origin", "sector", "administration"]
    search_fields = ["code", "title", "description", "opd"]
    readonly_fields = ["status", "verification", "last_checked", "current_version", "updated_at"]
    autocomplete_fields = ["made_source"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PromiseSourceInline, StatusChangeInline]
    fieldsets = [
        (None, {"fields": ["administration", "code", "number", "title", "slug", "description", "sector", "programme"]}),
        (_("Asal janji"), {"fields": ["origin", "made_on", "made_where", "made_source"]}),
        (_("Penilaian"), {"fields": ["success_criteria", "deadline", "deadline_note", "opd"]}),
        (_("Status saat ini"), {"fields": ["status", "verification", "last_checked", "current_version", "updated_at"]}),
        (
            _("Ubah status"),
            {"fields": ["new_status", "new_verification", "change_reason", "change_sources", "version"]},
        ),
    ]

    @admin.display(description=_("versi"))
    def current_version(self, obj) -> int:
        return obj.version

    def get_form(self, request, obj=None, change=False, **kwargs):
        # `version` is the form's own hidden field (VersionedForm), not the model's non-editable column.
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if name != "version"]
        return super().get_form(request, obj, change, **kwargs)

    def get_urls(self):
        import_view = self.admin_site.admin_view(admin_import.import_promises)
        return [path("impor/", import_view, name="promises_promise_import"), *super().get_urls()]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with cache.batch(), transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except services.Stale as stale:
            # Someone saved between this form's checks and its save: everything above was rolled back.
            self.message_user(request, _("Tidak disimpan: %(error)s") % {"error": stale}, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change:
            fields = [name for name in form.changed_data if name in PromiseAdminForm.Meta.fields]
            obj = services.update_promise(
                obj,
                expected_version=form.cleaned_data["version"],
                values={name: form.cleaned_data[name] for name in fields},
                editor=request.user,
            )
        else:
            obj.updated_by = request.user
            obj.save()
        if form.cleaned_data.get("new_status"):
            # the same rule as the public pages: a verdict waits for a second editor
            write = (
                services.propose_status
                if services.needs_second_editor(form.cleaned_data["new_status"])
                else services.change_status
            )
            write(
                obj,
                expected_version=obj.version,
                status=form.cleaned_data["new_status"],
                verification=form.cleaned_data.get("new_verification", ""),
                reason=form.cleaned_data.get("change_reason", ""),
                sources=form.cleaned_data.get("change_sources") or [],
                editor=request.user,
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the services (the public log, editors' proposals): viewable here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "promise", "indicator", "editor", "approved_by"]
    list_filter = ["kind"]
    search_fields = ["promise__code", "promise__title", "note"]
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Readers' reports: worked from the editors' queue (/meja/laporan/), viewable here."""

    list_display = ["created_at", "receipt", "state", "promise", "indicator", "closed_by"]
    list_filter = ["state"]
    search_fields = ["receipt", "text"]
    date_hierarchy = "created_at"


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    """The one record "Tentang kami" shows; empty fields are not shown to readers."""

    form = VisibleTextModelForm
    fields = [*SiteProfile.SHOWN]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatusProposal)
class StatusProposalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "promise", "status", "state", "proposed_by", "decided_by"]
    list_filter = ["state", "status"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """Read-only: the public log. Nothing here can be added, edited or deleted."""

    form = VisibleTextModelForm
    list_display = ["created_at", "promise", "from_status", "to_status", "verification", "editor"]
    list_filter = ["to_status", "verification"]
    search_fields = ["promise__code", "promise__title", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadingInline(admin.TabularInline):
    form = VisibleTextModelForm
    model = Reading
    extra = 0
    autocomplete_fields = ["source"]
    fields = [*READING_FIELDS, "note"]  # the same fields as the editors' form on the indicator page


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = VisibleTextModelForm
    list_display = ["name", "unit", "promise", "sector", "target_value", "order"]
    list_filter = ["sector"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["promise", "baseline_source", "target_source"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ReadingInline]


@admin.register(ConflictMark)
class ConflictMarkAdmin(admin.ModelAdmin):
    form = VisibleTextModelForm
    list_display = ["indicator", "first", "second", "conflicting", "editor", "created_at"]
    list_filter = ["conflicting"]
    search_fields = ["indicator__name", "reason"]
    raw_id_fields = ["first", "second"]
    readonly_fields = ["editor", "created_at"]

    def save_model(self, request, obj, form, change):
        obj.editor = request.user
        super().save_model(request, obj, form, change)


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    form = VisibleTextModelForm
    list_display = ["indicator", "value", "unit", "as_of", "counts", "said_by", "source"]
    list_filter = ["counts", "said_by", "indicator"]
    search_fields = ["indicator__name", "note", "source__headline"]
    autocomplete_fields = ["indicator", "source"]
    date_hierarchy = "as_of"


class ClaimItemInline(admin.TabularInline):
    form = VisibleTextModelForm
    model = ClaimItem
    extra = 0
    autocomplete_fields = ["promise"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    form = VisibleTextModelForm
    list_display = ["title", "date", "said_by", "percent", "source"]
    search_fields = ["title", "note"]
    autocomplete_fields = ["source"]
    inlines = [ClaimItemInline]


class EditorCreationForm(VisibleTextModelForm):
    """The user admin's add form ("Tambah editor"): an editor without a password, made by onboarding.add_editor."""

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150, required=False)
    admin = forms.BooleanField(label=_("Juga admin (grup Admin, boleh memakai /admin/)"), required=False)

    class Meta:
        model = get_user_model()
        fields = ["username", "email"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                onboarding.new_editor(**self._editor())
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def _editor(self) -> dict:
        data = self.cleaned_data
        text = {name: data.get(name) or "" for name in ["username", "email", "full_name"]}
        return {**text, "admin": bool(data.get("admin"))}

    def save(self, commit=True):
        self.instance = onboarding.add_editor(**self._editor())
        self.save_m2m = lambda: None  # the groups are set already
        return self.instance


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class EditorUserAdmin(UserAdmin):
    """Users. A new one is an editor who sets a password with a one-time link (promises/onboarding.py); the list
    has an action that makes such a link again (a forgotten password, an expired link)."""

    add_form = EditorCreationForm
    add_fieldsets = [(None, {"fields": ["username", "email", "full_name", "admin"]})]
    actions = ["password_links"]

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {"title": _("Tambah editor"), **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:  # saved by the form, with its groups
            self._send_link(request, obj)

    @admin.action(description=_("Buat tautan sekali pakai untuk kata sandi"), permissions=["change"])
    def password_links(self, request, queryset):
        for user in queryset.order_by("username"):
            if user.is_superuser and not request.user.is_superuser:
                message = _("%(username)s superuser: hanya superuser yang boleh membuat tautannya.")
                self.message_user(request, message % {"username": user.get_username()}, messages.WARNING)
            elif not user.is_active:
                message = _("%(username)s nonaktif: aktifkan akunnya dulu.")
                self.message_user(request, message % {"username": user.get_username()}, messages.WARNING)
            else:
                self._send_link(request, user)

    def _send_link(self, request, user) -> None:
        link = onboarding.set_password_link(user, request.build_absolute_uri("/"))
        message = _("Tautan sekali pakai untuk kata sandi %(username)s (berlaku %(lifetime)s): %(link)s")
        values = {"username": user.get_username(), "lifetime": onboarding.link_lifetime(), "link": link}
        self.message_user(request, message % values, messages.SUCCESS)
