"""Importing the official list from the admin: upload, preview, confirm (promises/importing.py does the work).

The uploaded text travels between the preview and the confirmation in a signed hidden field, so the
server keeps no state and a tampered payload is refused.
"""

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import importing
from .models import Administration, Promise

TEMPLATE = "admin/promises/promise/import.html"
PERMISSIONS = ["promises.add_promise", "promises.change_promise"]  # it creates promises and links documented ones
SALT = "promises.admin_import"
MAX_AGE = 60 * 60  # a preview stays valid for an hour
MAX_BYTES = 1024 * 1024


class UploadForm(forms.Form):
    administration = forms.ModelChoiceField(
        label=_("Pemerintahan"), queryset=Administration.objects.all(), empty_label=None
    )  # the choices are ordered with the default administration first
    file = forms.FileField(
        label=_("Berkas CSV"),
        help_text=_(
            "UTF-8; kolom wajib: number, title, sector, description (atau nomor, judul, bidang, uraian); "
            "opsional: source_url, opd, deadline (TTTT-BB-HH)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (maksimum 1 MB)."))
        try:
            return importing.decode(upload.read())
        except importing.ImportFailed as failed:
            raise forms.ValidationError(failed.errors[0].message) from failed


def _confirmed_links(request: HttpRequest) -> dict[int, str]:
    """The likely matches the admin ticked: `link-12=CP-4` means official number 12 is CP-4.

    Raises ValueError with the field's name when it names no official number (`link-²`: only a crafted form).
    """
    links = {}
    for name, code in request.POST.items():
        if not name.startswith("link-"):
            continue
        number = importing.official_number(name.removeprefix("link-"))
        if number is None:
            raise ValueError(name[:40])
        if code:
            links[number] = code
    return links


@require_http_methods(["GET", "POST"])
def import_promises(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, see what would be created, linked or updated (nothing is written), then confirm."""
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied
    context = {**admin.site.each_context(request), "opts": Promise._meta, "title": _("Impor daftar resmi janji")}
    if "payload" in request.POST:
        return _confirm(request, context)
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        administration = form.cleaned_data["administration"]
        payload = {"text": form.cleaned_data["file"], "administration": administration.pk}
        return _preview(request, context, importing.plan(payload["text"], administration), payload)
    return TemplateResponse(request, TEMPLATE, context | {"form": form})


def _confirm(request: HttpRequest, context: dict) -> HttpResponse:
    try:
        payload = signing.loads(request.POST["payload"], salt=SALT, max_age=MAX_AGE)
        administration = Administration.objects.get(pk=payload["administration"])
    except (signing.BadSignature, Administration.DoesNotExist, KeyError, TypeError):
        messages.error(request, gettext("Pratinjau kedaluwarsa atau tidak sah; unggah berkasnya lagi."))
        return redirect("admin:promises_promise_import")
    try:
        links = _confirmed_links(request)
    except ValueError as error:
        messages.error(
            request,
            gettext("Konfirmasi tidak sah: “%(field)s” bukan nomor resmi. Tidak ada yang ditulis; konfirmasi lagi.")
            % {"field": error},
        )
        return _preview(request, context, importing.plan(payload["text"], administration), payload)
    try:
        result = importing.apply(payload["text"], administration, links)
    except importing.ImportFailed:
        # The promises changed since the preview (or a confirmed link is not possible): show the new plan.
        return _preview(request, context, importing.plan(payload["text"], administration, links), payload)
    counts = ", ".join(f"{label}: {n}" for label, n in result.counts())
    messages.success(request, gettext("Daftar resmi diimpor (%(counts)s).") % {"counts": counts})
    return redirect("admin:promises_promise_changelist")


def _preview(request: HttpRequest, context: dict, plan: importing.Plan, payload: dict) -> HttpResponse:
    signed = signing.dumps(payload, salt=SALT, compress=True)
    return TemplateResponse(request, TEMPLATE, context | {"plan": plan, "payload": signed})
