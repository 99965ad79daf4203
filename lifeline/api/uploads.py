"""Import an uploaded file: keep its name (the series is read from it), bound its size, audit the write."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Engine
from starlette.requests import Request

from lifeline.accounts import User, record
from lifeline.accounts.credentials import Credential, CredentialEnded
from lifeline.digest import sha256
from lifeline.errors import UserError
from lifeline.ingest.service import ImportReport, parse, store


def safe_name(name: str | None) -> str:
    """The upload's base name with anything but letters, digits, '.', '-' and '_' replaced."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")
    return cleaned[:200] or "upload"


def import_upload(engine: Engine, stream: BinaryIO, filename: str | None, user: User, via: str,
                  max_bytes: int, kind: str = "auto", dry_run: bool = False,
                  credential: Credential | None = None) -> ImportReport:
    """Parse outside the transaction, then store rows and the audit entry in one transaction.

    ``dry_run`` reports what the import would do and writes nothing but its audit entry
    (``import-dry-run``: who checked which file, when, and what an import would have done). A refused
    import is audited (``import-refused``) with the reason, a refused dry run too (marked ``dry_run``).
    ``credential`` (the one the request was authorised by) is confirmed inside the write's transaction,
    just before its commit: if it was revoked or ended while the file was read and stored, nothing is
    written, the refusal is audited and ``auth.AuthRequired`` (401) raised.
    """
    name = safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="lifeline-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1 << 20)
        size = path.stat().st_size
        try:
            if size > max_bytes:
                raise UserError(f"the file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB", file=name)
            module, parsed = parse(path, kind)
        except UserError as exc:
            exc.file = name  # the visitor's file name, never the server's temporary path
            detail: dict[str, object] = {"error": str(exc)}
            if dry_run:
                detail["dry_run"] = True
            with engine.begin() as conn:
                record(conn, user.name, via, "import-refused", name, detail)
            raise
        digest = sha256(path)
        try:
            if dry_run:
                with engine.connect() as conn:  # never committed: the comparison writes nothing
                    report = store(conn, parsed, module.KIND, path, digest, imported_by=user.name, dry_run=True)
                with engine.begin() as conn:
                    record(conn, user.name, via, "import-dry-run", name, {**_summary(report), "sha256": digest})
                    if credential is not None:
                        credential.confirm(conn)
                report.path = name
                return report
            with engine.begin() as conn:
                report = store(conn, parsed, module.KIND, path, digest, imported_by=user.name)
                record(conn, user.name, via, "import", name, {**_summary(report), "sha256": digest})
                if credential is not None:
                    credential.confirm(conn)
        except CredentialEnded as exc:
            from lifeline.api.auth import refused_write

            assert credential is not None
            noted: dict[str, object] = {"sha256": digest, **({"dry_run": True} if dry_run else {})}
            raise refused_write(engine, credential, via, exc, "import-refused", name, noted) from None
        report.path = name
    _evaluate_alerts(engine)
    return report


def _summary(report: ImportReport) -> dict[str, object]:
    return {"dataset_id": report.dataset_id, "status": report.status, "rows_read": report.rows_read,
            "rows_imported": report.rows_imported, "rows_changed": report.rows_changed,
            "rows_rejected": report.rows_rejected, "rows_withdrawn": report.rows_withdrawn}


def _evaluate_alerts(engine: Engine) -> None:
    """Alerts are evaluated after every import (issue 7), wherever the import came from; best effort."""
    from lifeline.optional import optional

    alerts = optional("lifeline.alerts.evaluate")
    if alerts is not None:
        alerts.evaluate_after_import(engine)


def audit_oversize(request: Request, message: str) -> None:
    """Audit an upload refused while it streamed in (over the size limit), for the editor who sent it.

    The form's fields (``dry_run``) are not known yet: the body was never read. Anonymous senders and
    callers without the editor role are not audited: they could not import anything anyway, and a
    flood of their refusals must not fill the log.
    """
    from lifeline.api import auth

    try:
        user = auth.current_user(request)
    except auth.AuthRequired:
        return
    if user is None or not user.can("editor"):
        return
    with auth.engine(request).begin() as conn:
        record(conn, user.name, request.state.via, "import-refused", None, {"error": message})
