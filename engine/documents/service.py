"""CaseDocuments: a case's documents: list them and what can be generated, generate one from
a template, attach a signed scan, hand out a file.

Who: anyone who sees the case (engine.cases: a role that handles cases, in her jurisdiction).
A generated or attached document is one transaction: the CaseDocument row and its audit event
(`document_generated` / `document_attached`, with the file's SHA-256 and size) on the case's
locked row; the bytes are stored first, under their hash, so a failed transaction leaves at
most an unreferenced file.

Privacy (DOMAIN.md): a document the other party may see (audience `parties`) never carries the
victim's sensitive fields; an agency's letter carries them only when the one generating it may
read them (then her access log records it), and only such readers download it again.
"""
from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError

from engine.access import Principal
from engine.calendar import CHINA_TZ
from engine.cases import CaseService, record_clear_read
from engine.documents.context import build_context, chinese_date, missing, without_sensitive
from engine.documents.rendering import render
from engine.documents.templates import DOCUMENTS_PROPERTY, DocumentTemplate, documents_named, read_templates
from engine.errors import (
    STATE_ZH,
    DefinitionError,
    FieldError,
    Forbidden,
    Gone,
    NotFound,
    TooLarge,
    ValidationFailed,
)
from engine.form_labels import labels_of_forms
from engine.org import OrgChart
from engine.privacy import masked, sensitive_paths_of_forms
from engine.runtime.runtime import Runtime
from engine.runtime.views import TaskView
from engine.store import documents as rows
from engine.store import repository as repo
from engine.store.case_queries import CaseRow
from engine.store.documents import DocumentRow
from engine.store.files import FileMissing, FileStore

DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# What a signed scan may be, told by its first bytes, never by its name: (media type, suffix).
PDF, JPEG, PNG = ("application/pdf", ".pdf"), ("image/jpeg", ".jpg"), ("image/png", ".png")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
ATTACHMENT_KINDS = "PDF, JPEG, PNG, Word (.docx)"
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


@dataclass(frozen=True)
class AvailableDocument:
    """A template the case's steps name, for one task of such a step."""

    template: str
    title: str
    format: str
    audience: str
    description: str
    task_id: str
    task_title: str
    task_state: str


@dataclass(frozen=True)
class CaseDocumentList:
    items: list[DocumentRow]
    available: list[AvailableDocument]


@dataclass(frozen=True)
class DocumentFile:
    document: DocumentRow
    content: bytes


class CaseDocuments:
    def __init__(self, runtime: Runtime, chart: Callable[[], OrgChart], files: FileStore, project_root: Path,
                 max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES):
        self.runtime, self.store, self.clock, self.files = runtime, runtime.store, runtime.clock, files
        self.cases, self.chart, self.root = CaseService(runtime, chart), chart, Path(project_root)
        self.max_attachment_bytes = max_attachment_bytes

    # -- reading ------------------------------------------------------------------------------
    def listing(self, who: Principal, case_id: str) -> CaseDocumentList:
        facts = self.cases.visible(who, case_id)
        with self.store.read() as session:
            items = rows.documents_of(session, case_id)
        templates, _ = read_templates(self.root)
        return CaseDocumentList(items, self._available(facts, templates))

    def file(self, who: Principal, case_id: str, document_id: str) -> DocumentFile:
        facts = self.cases.visible(who, case_id)
        document = self._document(case_id, document_id)
        template = read_templates(self.root)[0].get(document.template or "")
        if template is not None and not template.for_parties and not self.cases.reads_sensitive(who, facts):
            raise Forbidden(f"{document.title} may hold the victim's sensitive information: only those who handle "
                            "her may download it", document=document_id,
                            zh=f"「{document.title}」可能载有受害人的敏感信息，仅限承办人员下载")
        if document.erased_at is not None:
            raise Gone(f"the file of {document.title} was erased when the case's retention period ended",
                       document=document_id,
                       zh=f"「{document.title}」的文件已在案件保管期限届满时删除，仅保留记录和哈希值")
        try:
            return DocumentFile(document, self.files.read(document.sha256))
        except FileMissing:
            raise Gone(f"the file of {document.title} is missing from the file store or no longer matches its "
                       "SHA-256", document=document_id,
                       zh=f"「{document.title}」的文件已不在文件库中或已被改动（与其 SHA-256 不符）") from None

    def _document(self, case_id: str, document_id: str) -> DocumentRow:
        with self.store.read() as session:
            document = rows.document_of(session, case_id, document_id)
        if document is None:
            raise NotFound("document not found", document=document_id, zh="未找到该文书")
        return document

    def _available(self, facts: CaseRow, templates: dict[str, DocumentTemplate]) -> list[AvailableDocument]:
        found, named = [], self._documents_of_steps(facts.version_id)
        for task in reversed(self._tasks(facts)):  # newest first
            for key in named(task.name):
                if key in templates:
                    t = templates[key]
                    found.append(AvailableDocument(key, t.title, t.format, t.audience, t.description, task.id,
                                                   task.title, task.state))
        return found

    def _tasks(self, facts: CaseRow) -> list[TaskView]:
        """The case's tasks that are open or done (not cancelled), oldest first."""
        return [t for t in self.runtime.task_history(facts.id) if t.state != "cancelled"]

    def _documents_of_steps(self, version_id: int) -> Callable[[str], list[str]]:
        """The template keys a step of this version names, by step name."""
        with self.store.read() as session:
            parsed = self.runtime.parsed_by_id(session, version_id)

        def named(step: str) -> list[str]:
            properties = (getattr(parsed.task_spec(step), "extensions", None) or {}).get("properties") or {}
            return documents_named(properties.get(DOCUMENTS_PROPERTY))
        return named

    # -- generating ------------------------------------------------------------------------------
    def generate(self, who: Principal, case_id: str, template_key: str, task_id: str | None = None) -> DocumentRow:
        facts = self.cases.visible(who, case_id)
        templates, _ = read_templates(self.root)
        template = templates.get(template_key)
        task = self._task_for(facts, template, template_key, task_id)
        content = self._render(who, facts, template, task)
        title = template.title
        return self._record(who, facts, kind="generated", template=template.key, task_id=task.id, title=title,
                            filename=_filename(title, facts.case_no, template.extension),
                            media_type=template.media_type, content=content, event="document_generated",
                            data={"template": template.key, "title": title})

    def _task_for(self, facts: CaseRow, template: DocumentTemplate | None, key: str, task_id: str | None) -> TaskView:
        named = self._documents_of_steps(facts.version_id)
        steps = [t for t in self._tasks(facts) if key in named(t.name)]
        chosen = next((t for t in steps if t.id == task_id), None) if task_id else (steps[-1] if steps else None)
        if template is None or chosen is None:
            where = "this task" if task_id else "this case"
            raise ValidationFailed(
                f"the document {key!r} cannot be generated for {where}: no step of it names the template",
                [FieldError("task_id" if task_id and steps else "template", f"{key} is not available for {where}",
                            "available", zh=f"{key} 不是{'本任务' if task_id else '本案'}可生成的文书")],
                zh=f"{'本任务' if task_id else '本案'}没有可生成「{template.title if template else key}」的步骤")
        return chosen

    def _render(self, who: Principal, facts: CaseRow, template: DocumentTemplate, task: TaskView) -> bytes:
        with self.store.read() as session:
            parsed = self.runtime.parsed_by_id(session, facts.version_id)
            submitted = repo.submitted_data(session, facts.id, task.id) if task.state == "completed" else {}
        forms = [parsed.forms[name] for name in sorted(parsed.forms)]
        labels = labels_of_forms(forms)
        data = {**self.runtime.instance(facts.id).data, **self.runtime.task_data(task.id), **submitted}
        sensitive = sensitive_paths_of_forms(forms)
        # The other party's documents never carry them; an agency's only when she may read them.
        in_clear = not template.for_parties and self.cases.reads_sensitive(who, facts)
        if not in_clear:
            data = without_sensitive(data, sensitive)
        _require(template, data, labels)
        today = self.clock.now().astimezone(CHINA_TZ).date()
        context = build_context(
            data=data, labels=labels, today=today, author=who.display_name, office=self._unit_name(task.org_unit
                                                                                                  or facts.org_unit),
            case=self._case_facts(facts, parsed.name), task=self._task_facts(task),
            document={"key": template.key, "title": template.title, "legal_basis": template.legal_basis})
        try:
            content = render(template, context, today)
        except TemplateError as exc:
            raise DefinitionError(f"the template {template.path.name} cannot be rendered: {exc}",
                                  template=template.key,
                                  zh=f"文书模板 {template.path.name} 无法生成：{exc}") from exc
        if in_clear:
            record_clear_read(self.store, self.clock.now(), who.username, facts.id, "document", masked(data, sensitive)[1])
        return content

    def _case_facts(self, facts: CaseRow, process_name: str) -> dict:
        return {"case_no": facts.case_no or "", "org_unit": self._unit_name(facts.org_unit),
                "org_unit_id": facts.org_unit or "", "process": process_name, "process_key": facts.process_key,
                "status": STATE_ZH.get(facts.status, facts.status), "created_on": chinese_date(facts.created_at)}

    def _task_facts(self, task: TaskView) -> dict:
        return {"title": task.title, "name": task.name, "org_unit": self._unit_name(task.org_unit),
                "ended_on": chinese_date(task.ended_at) if task.ended_at else ""}

    def _unit_name(self, unit_id: str | None) -> str:
        unit = self.chart().units.get(unit_id) if unit_id else None
        return unit.name if unit is not None else (unit_id or "")

    # -- attaching --------------------------------------------------------------------------------
    def attach(self, who: Principal, case_id: str, *, title: str, content: bytes) -> DocumentRow:
        """A signed scan (or any PDF, JPEG, PNG or .docx) kept with the case."""
        facts = self.cases.visible(who, case_id)
        title = _title(title)
        if len(content) > self.max_attachment_bytes:
            raise TooLarge(f"the file is {len(content)} bytes; an attachment may be at most "
                           f"{self.max_attachment_bytes} bytes", limit=self.max_attachment_bytes,
                           zh=f"文件过大：附件不能超过 {_mib(self.max_attachment_bytes)}")
        media_type, suffix = _kind_of(content)
        return self._record(who, facts, kind="uploaded", template=None, task_id=None, title=title,
                            filename=_filename(title, facts.case_no, suffix), media_type=media_type,
                            content=content, event="document_attached", data={"title": title,
                                                                              "media_type": media_type})

    # -- the row and its audit event --------------------------------------------------------------------
    def _record(self, who: Principal, facts: CaseRow, *, content: bytes, event: str, data: dict,
                **values) -> DocumentRow:
        digest = self.files.put(content)
        document_id, now = str(uuid.uuid4()), self.clock.now()
        with self.store.write() as session:
            instance = repo.instance_for_update(session, facts.id, self.store.is_postgres)
            row = rows.add(session, id=document_id, instance_id=facts.id, size=len(content), sha256=digest,
                           created_by=who.username, created_at=now, **values)
            # No task on the event: the timeline names a task event's step by the event's title.
            repo.append_instance_audit(session, instance, at=now, actor=who.username, events=[(
                event, None, {"document_id": document_id, **data, "sha256": digest, "size": len(content)})])
        return DocumentRow(**{**vars(row), "created_by_name": who.display_name})


def _require(template: DocumentTemplate, data: dict, labels: dict) -> None:
    absent = missing(data, template.requires)
    if not absent:
        return
    titles = [(labels.get(path) or {}).get("title") or path for path in absent]
    errors = [FieldError(f"data.{path}", f"{title} is needed for {template.title}", "required",
                         zh=f"生成「{template.title}」需要先填写「{title}」")
              for path, title in zip(absent, titles, strict=True)]
    raise ValidationFailed(f"{template.title} needs data the case does not have yet: {', '.join(absent)}", errors,
                           template=template.key,
                           zh=f"生成「{template.title}」所需的内容尚未填写：{'、'.join(titles)}")


def _title(title: str | None) -> str:
    text = UNSAFE_NAME.sub(" ", title or "").strip()
    if not text or len(text) > 200:
        raise ValidationFailed("give the document a title of 1 to 200 characters",
                               [FieldError("title", "1 to 200 characters", "length", zh="标题应为 1 至 200 个字符")],
                               zh="请填写文书标题（1 至 200 个字符）")
    return text


def _kind_of(content: bytes) -> tuple[str, str]:
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"PK\x03\x04") and _is_docx(content):
        return DOCX
    raise ValidationFailed(f"the file is not one of {ATTACHMENT_KINDS} (judged by its content, not its name)",
                           [FieldError("file", f"not one of {ATTACHMENT_KINDS}", "type",
                                       zh="文件类型不受支持：只接受 PDF、JPEG、PNG 或 Word（.docx）")],
                           zh="文件类型不受支持：只接受 PDF、JPEG、PNG 或 Word（.docx）文件")


def _is_docx(content: bytes) -> bool:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _filename(title: str, case_no: str | None, suffix: str) -> str:
    stem = UNSAFE_NAME.sub("_", f"{title}-{case_no}" if case_no else title)
    return f"{stem}{suffix}"


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB" if size >= 1024 * 1024 else f"{size} 字节"
