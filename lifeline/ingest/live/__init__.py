"""Live sources: publications a user registers, checked on a schedule, each new version imported.

``registry`` (sources a user adds), ``http`` (one conditional download, whole or not at all),
``hdx`` (an HDX dataset's resources through hdx-python-api), ``snapshots`` (content-addressed
copies of what was fetched), ``check`` (one source: fetch, compare, import) and ``scheduler``
(which sources are due, in parallel, with backoff).
"""
