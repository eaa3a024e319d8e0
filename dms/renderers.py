"""The API's JSON renderer: a response can always be encoded.

DRF writes JSON as UTF-8 text (``UNICODE_JSON``); a lone surrogate in any stored string
(written before input was validated, or by hand) cannot be encoded as UTF-8 and turned
every response that included it into a 500, for every user who listed the document. Such
a response is written again in ASCII, where the surrogate becomes its JSON escape
(``\\ud800``), which every JSON reader accepts.
"""

from __future__ import annotations

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            ascii_only = renderers.JSONRenderer()
            ascii_only.ensure_ascii = True
            return ascii_only.render(data, accepted_media_type, renderer_context)
