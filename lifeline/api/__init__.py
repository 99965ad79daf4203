"""The web face: FastAPI application serving the JSON/CSV/HXL API under ``/api/v1`` and the pages."""
