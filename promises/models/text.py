"""The rule for texts people type: no invisible or direction-changing characters.

A right-to-left override (U+202E) can make a headline or a URL read backwards on the page, and zero-width
characters make two identical-looking texts differ. None of them belongs in an Indonesian tracker's texts, so
every form refuses them with a message that names the character (pages also isolate user text with dir="auto").
"""

import re

from django.utils.translation import gettext_lazy as _

# zero-width and direction marks, embeddings and overrides, invisible operators, isolates, the BOM
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
MESSAGE = _("Teks ini mengandung karakter tak terlihat atau pengubah arah tulisan (%(code)s); hapus lalu simpan lagi.")


def invisible_character(text: str) -> str | None:
    """The first forbidden character as "U+202E", or None."""
    found = INVISIBLE.search(text or "")
    return f"U+{ord(found.group()):04X}" if found else None
