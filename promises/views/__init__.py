"""Views by page family: each module holds a page's GET view, its editors' POST views and its context.

`promises` (list, page, status and text edits), `indicators` (ledger, new figures), `sources` (list, new
sources), `pages` (dashboard, changes, methodology), `open_data` (/data/ and the downloads), `health`
(/healthz). Every editor POST answers through `answers.answer`. The Atom feeds are in `promises/feeds.py`.
"""
