"""Ingest: detect a file's kind, read it, normalise its rows, and store it atomically with revisions."""
