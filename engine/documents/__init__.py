"""Case documents (文书): templates as data, rendered from a case, kept with their hash.

A template is two files in `processes/documents/`: `<key>.yaml` (title, format, audience,
legal basis, description, the data it needs) and the template itself, `<key>.docx` (a Word
document with Jinja tags, rendered by docxtpl; an office edits it in Word) or `<key>.html`
(Jinja and CSS, rendered to PDF by WeasyPrint). A step names its documents with the BPMN
property `documents` (comma-separated keys).

- engine.documents.templates: reading the templates and their metadata;
- engine.documents.context: what a template sees (the case, its data, the task, dates in
  Chinese), with every sensitive value removed for documents the other party may see;
- engine.documents.rendering: .docx and .pdf, byte for byte the same for the same data;
- engine.documents.variables: which case fields a template reads (for lint);
- engine.documents.service: CaseDocuments, listing, generating and attaching documents.
"""
