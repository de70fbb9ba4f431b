"""Bundles: the content-hashed unit of deployment (BPMN + DMN + forms + lane map).

A process's bundle holds the BPMN file that defines it, the BPMN files of the processes it
calls, the DMN files of the decisions it uses, the forms its user tasks name and its catalog
entry; a process that mediates by a ladder also holds its region profile (processes/ladders/).
Changing any of them makes a new version; changing another process's files does not.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from engine.audit import canonical_json
from engine.definitions.catalog import Catalog
from engine.definitions.ladder import LADDER_DIR, Ladder, LadderError, active_profile_key, read_ladders
from engine.definitions.parsing import FORM_PROPERTIES, new_parser
from engine.definitions.xml_files import UnreadableDiagram, diagram_text
from engine.errors import DefinitionError

BPMN_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
           "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


@dataclass(frozen=True)
class Bundle:
    process_key: str
    name: str
    bpmn: dict[str, str]
    dmn: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)
    catalog: dict = field(default_factory=dict)
    called_catalog: dict = field(default_factory=dict)  # the catalog entries of the processes it calls
    ladder: dict = field(default_factory=dict)  # its region profile, as a case carries it

    def to_dict(self) -> dict:
        raw = {"process_key": self.process_key, "name": self.name, "bpmn": self.bpmn,
               "dmn": self.dmn, "forms": self.forms, "catalog": self.catalog}
        if self.called_catalog:  # absent otherwise, so the content hash of a process that calls none stays
            raw["called_catalog"] = self.called_catalog
        if self.ladder:
            raw["ladder"] = self.ladder
        return raw

    @classmethod
    def from_dict(cls, raw: dict) -> Bundle:
        return cls(raw["process_key"], raw.get("name", ""), dict(raw["bpmn"]), dict(raw.get("dmn", {})),
                   dict(raw.get("forms", {})), dict(raw.get("catalog", {})), dict(raw.get("called_catalog", {})),
                   dict(raw.get("ladder", {})))

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.to_dict()).encode("utf-8")).hexdigest()


@dataclass
class ProjectFiles:
    """The designer's working tree, read once: processes/bpmn, processes/catalog.yaml, forms/.

    Diagrams are read as engine.definitions.xml_files reads them, in whatever encoding they
    declare; forms as UTF-8. A file that cannot be read as text is kept, as its bytes, in
    `unreadable` (by name): lint reports why, so that deploy refuses it with that finding."""

    bpmn: dict[str, str]
    dmn: dict[str, str]
    forms: dict[str, str]
    catalog: Catalog
    unreadable: dict[str, bytes] = field(default_factory=dict)
    # Region profiles by key, and those that could not be read (lint names why).
    ladders: dict[str, Ladder] = field(default_factory=dict)
    broken_ladders: dict[str, LadderError] = field(default_factory=dict)
    root: Path | None = None  # where it was read from: profiles name their org file relative to it

    @classmethod
    def read(cls, root: Path) -> ProjectFiles:
        root, unreadable = Path(root), {}
        project = cls(
            bpmn=_read_texts(root / "processes" / "bpmn", "*.bpmn", diagram_text, unreadable),
            dmn=_read_texts(root / "processes" / "bpmn", "*.dmn", diagram_text, unreadable),
            forms=_read_texts(root / "forms", "*.json", _utf8_text, unreadable),
            catalog=Catalog.load(root / "processes" / "catalog.yaml"),
            unreadable=unreadable,
        )
        project.use_ladders_of(root)
        return project.running_profile(None)

    def use_ladders_of(self, root: Path) -> ProjectFiles:
        """The region profiles of the project at `root` (an upload brings none: the server's apply)."""
        self.root = Path(root)
        self.ladders, self.broken_ladders = read_ladders(self.root / LADDER_DIR)
        return self

    def running_profile(self, profile: str | None) -> ProjectFiles:
        """This tree with every laddered process on `profile`, or on the deployment's setting
        (JIAHE_LADDER_PROFILE, else what the catalog names) when `profile` is None."""
        for entry in self.catalog.processes.values():
            if entry.ladder:
                entry.ladder = profile or active_profile_key(entry.ladder)
        return self


def _read_texts(folder: Path, pattern: str, as_text, unreadable: dict[str, bytes]) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    texts = {}
    for path in sorted(folder.glob(pattern)):
        content = path.read_bytes()
        try:
            texts[path.name] = as_text(content)
        except (UnreadableDiagram, UnicodeDecodeError):
            unreadable[path.name] = content
    return texts


def _utf8_text(content: bytes) -> str:
    # Universal newlines, as Path.read_text gave before: content hashes of deployed forms stay.
    return content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def collect_bundles(project: ProjectFiles) -> list[Bundle]:
    """One bundle per deployable process: those in the catalog, else every executable one."""
    parser = new_parser()
    try:
        for name, text in project.bpmn.items():
            parser.add_bpmn_str(text.encode("utf-8"), filename=name)
        for name, text in project.dmn.items():
            parser.add_dmn_str(text.encode("utf-8"), filename=name)
    except Exception as exc:  # the lint run before deploy names the details
        raise DefinitionError(f"process files do not parse: {exc}", zh=f"流程文件无法解析：{exc}") from exc
    keys = _deployable_keys(parser, project.catalog)
    return [_bundle_for(key, parser, project) for key in keys]


def _deployable_keys(parser, catalog: Catalog) -> list[str]:
    executable = [pid for pid, pp in parser.process_parsers.items() if pp.process_executable]
    if catalog.processes:
        missing = sorted(set(catalog.processes) - set(parser.process_parsers))
        if missing:
            raise DefinitionError(f"catalog names processes with no BPMN: {', '.join(missing)}",
                                  zh=f"流程目录中的以下流程没有 BPMN 文件：{'、'.join(missing)}")
        return sorted(catalog.processes)
    return sorted(executable)


def _bundle_for(key: str, parser, project: ProjectFiles) -> Bundle:
    process_ids = _called_closure(parser, key)
    bpmn_files = sorted({parser.process_parsers[pid].filename for pid in process_ids})
    bpmn = {name: project.bpmn[name] for name in bpmn_files}
    nodes = [parser.process_parsers[pid].node for pid in process_ids]
    dmn_files = sorted({parser.dmn_parsers[ref].filename for ref in _decision_refs(nodes)
                        if ref in parser.dmn_parsers})
    form_names = sorted(_form_names(nodes))
    missing = [name for name in form_names if name not in project.forms]
    if missing:
        raise DefinitionError(f"{key}: forms not found in forms/: {', '.join(missing)}",
                              zh=f"{key}：forms/ 中找不到以下表单：{'、'.join(missing)}")
    entry = project.catalog.entry(key)
    return Bundle(
        process_key=key,
        name=entry.name or parser.process_parsers[key].get_name(),
        bpmn=bpmn,
        dmn={name: project.dmn[name] for name in dmn_files},
        forms={name: project.forms[name] for name in form_names},
        catalog=_catalog_entry(project.catalog, key),
        called_catalog={pid: _catalog_entry(project.catalog, pid) for pid in sorted(process_ids)
                        if pid != key and pid in project.catalog.processes},
        ladder=_ladder_of(project, key),
    )


def _ladder_of(project: ProjectFiles, key: str) -> dict:
    profile = project.catalog.entry(key).ladder
    if not profile:
        return {}
    if profile not in project.ladders:
        raise DefinitionError(f"{key}: region profile {profile!r} not found in {LADDER_DIR}",
                              zh=f"{key}：{LADDER_DIR} 中找不到地区调解梯级「{profile}」")
    return project.ladders[profile].to_case_data()


def _catalog_entry(catalog: Catalog, key: str) -> dict:
    return Catalog(roles={}, processes={key: catalog.entry(key)}).to_dict()["processes"][key]


def _called_closure(parser, key: str) -> list[str]:
    seen, todo = [], [key]
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in parser.process_parsers:
            continue
        seen.append(pid)
        todo.extend(parser.process_parsers[pid].called_element_ids())
    return seen


def _decision_refs(nodes) -> set[str]:
    refs = set()
    for node in nodes:
        for el in node.xpath(".//spiffworkflow:calledDecisionId", namespaces=BPMN_NS):
            if el.text:
                refs.add(el.text.strip())
    return refs


def _form_names(nodes) -> set[str]:
    names = set()
    for node in nodes:
        for prop in node.xpath(".//spiffworkflow:property", namespaces=BPMN_NS):
            if prop.get("name") in FORM_PROPERTIES and prop.get("value"):
                names.add(prop.get("value").strip())
    return names
