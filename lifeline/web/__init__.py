"""Server-rendered pages (Jinja2), static files, UI strings in English and Arabic, and the schematic map."""
