"""Rendering a template with its context: .docx with docxtpl, .pdf from HTML with WeasyPrint.

Templates are designers' files: they run in Jinja's sandbox, values are escaped, and a value
that is missing prints as nothing. The same template and context give the same bytes: the
.docx's zip entries carry the generation day as their time and its core properties say the
same day; the PDF's dates and file identifier come from the day and its content, and fonts
are subset without a timestamp. So the SHA-256 in a document's audit event names what any
later render of the same data would give.
"""
from __future__ import annotations

import calendar
import hashlib
import io
import os
import threading
import zipfile
from datetime import date, datetime
from pathlib import Path

from jinja2 import ChainableUndefined
from jinja2.sandbox import SandboxedEnvironment

from engine.documents.context import chinese_date, chinese_number
from engine.documents.templates import DocumentTemplate

PRODUCER = "家和 Jiahe"
# fontTools (WeasyPrint's font subsetter where HarfBuzz's is missing) stamps fonts with the time
# unless SOURCE_DATE_EPOCH says otherwise: one render at a time sets it to the generation day.
_pdf_lock = threading.Lock()


def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined, keep_trailing_newline=True)
    env.filters["cn_date"] = chinese_date
    env.filters["cn_number"] = chinese_number
    return env


def render(template: DocumentTemplate, context: dict, day: date) -> bytes:
    if template.format == "docx":
        return render_docx(template.path, context, day, title=template.title)
    return render_pdf(template.path, context, day, title=template.title)


def render_docx(path: Path, context: dict, day: date, *, title: str) -> bytes:
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(path))
    document.render(context, jinja_env=environment())
    properties = document.docx.core_properties
    moment = datetime(day.year, day.month, day.day)
    properties.title, properties.author, properties.last_modified_by = title, PRODUCER, PRODUCER
    properties.created = properties.modified = moment
    if properties.last_printed is not None:  # an office printed the template in Word
        properties.last_printed = moment
    properties.revision = 1
    output = io.BytesIO()
    document.save(output)
    return stable_zip(output.getvalue(), moment)


def stable_zip(content: bytes, moment: datetime) -> bytes:
    """The same zip with every entry's time set to `moment` and nothing else that varies."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=moment.timetuple()[:6])
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0o600 << 16
            target.writestr(info, source.read(entry.filename))
    return output.getvalue()


def render_pdf(path: Path, context: dict, day: date, *, title: str) -> bytes:
    from weasyprint import HTML

    html = environment().from_string(path.read_text(encoding="utf-8")).render(context)
    stamp = f"{day.isoformat()}T00:00:00+08:00"
    with _pdf_lock, _source_date(day):
        document = HTML(string=html, base_url=str(path.parent)).render()
        document.metadata.title = document.metadata.title or title
        document.metadata.created = document.metadata.modified = stamp
        document.metadata.generator = PRODUCER
        identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
        return document.write_pdf(pdf_identifier=identifier)


class _source_date:
    """SOURCE_DATE_EPOCH set to `day` (midnight UTC) while rendering, then as it was."""

    def __init__(self, day: date):
        self.value = str(calendar.timegm(day.timetuple()))

    def __enter__(self):
        self.previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = self.value

    def __exit__(self, *exc):
        if self.previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = self.previous
