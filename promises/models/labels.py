"""`get_FOO_display()` that translates one label, not all of them.

Django's own builds a dict of the field's choices on every call, which hashes (and so translates) every lazy
label: 7 gettext calls for one status, 22 for a feed entry's title. /perubahan/, the feeds, the cards and the
source list call it hundreds of times a page. Here each field's {value: lazy label} is built once, and a call
translates the one label it returns, in the language active at that moment.
"""

from django.utils.encoding import force_str


class Labelled:
    """A model mixin: the models whose labels public pages show."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        labels = field.__dict__.get("_labels")
        if labels is None:
            labels = field._labels = dict(field.flatchoices)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
