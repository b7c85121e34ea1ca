"""Site-wide template helpers: the language switch and status presentation."""

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()

# Every status has its own glyph as well as its colour: status is never shown by colour alone.
STATUS_GLYPHS = {
    "belum_dinilai": "○",
    "belum_ada_tindakan": "∅",
    "dalam_proses": "◔",
    "tersendat": "‖",
    "ditepati": "✓",
    "ditepati_sebagian": "◑",
    "tidak_ditepati": "✗",
    "tidak_dapat_diverifikasi": "?",
}


@register.simple_tag(takes_context=True)
def other_language(context) -> dict:
    """The current page in the other language: {"code", "name", "url"}."""
    request = context["request"]
    target = "en" if get_language() == "id" else "id"
    return {
        "code": target,
        "name": "English" if target == "en" else "Bahasa Indonesia",
        "url": translate_url(request.get_full_path(), target),
    }


@register.filter
def glyph(status: str) -> str:
    return STATUS_GLYPHS.get(status, "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
