"""The wording both faces share, so the pages and the sitrep say the same thing in English and Arabic.

``wording``: the UI strings (``<lang>.json``) and the core's English sentences said in another language
(``<lang>-prose.json``); ``counted``: a count with its noun in agreement (Arabic's dual and plurals, English's
singular and plural). Core, not a face: it imports no face, and every face may import it.
"""
