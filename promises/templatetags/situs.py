"""Site-wide template helpers: the language switch and status presentation."""

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from ..models import Promise

register = template.Library()


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
    """The status's glyph (`Status.glyph`); nothing for an empty or unknown value."""
    try:
        return Promise.Status(status).glyph
    except ValueError:
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
