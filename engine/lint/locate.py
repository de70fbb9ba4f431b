"""Where in a file SpiffWorkflow means, when its exception names no node: some of its parse
errors only say it in words ("Data Store with name X has no implementation", "... from message
event definition: Ev_1"). The element is found in the parsed tree, so that the finding has a
line and an element id like every other."""
from __future__ import annotations

import re

from engine.lint.context import NS, Document

# Messages about an element without an id (or name): the first such element of its kind.
_MISSING = (
    (re.compile(r"^Data Store identifier is missing"), ".//bpmn:dataStore[not(@id)]"),
    (re.compile(r"^Data Store name is missing"), ".//bpmn:dataStore[not(@name)]"),
    (re.compile(r"^Message identifier is missing from bpmn xml"), ".//bpmn:message[not(@id)]"),
    (re.compile(r"^Signal identifier is missing"), ".//bpmn:signal[not(@id)]"),
    (re.compile(r"^Error identifier is missing"), ".//bpmn:error[not(@id)]"),
    (re.compile(r"^Escalation identifier is missing"), ".//bpmn:escalation[not(@id)]"),
    (re.compile(r"^Correlation identifier is missing"), ".//bpmn:correlationProperty[not(@id)]"),
)
_NAMED_STORE = re.compile(r"^Data Store with name (.*) has no implementation")
# Ids a message quotes, or ends with after a colon.
_QUOTED = re.compile(r"""'([^'\s]+)'|"([^"\s]+)"|:\s*([^\s:'"]+)\s*[.]?\s*$""")


def element_named(doc: Document | None, message: str):
    """The element of `doc` the message is about, or None."""
    if doc is None:
        return None
    for pattern, xpath in _MISSING:
        if pattern.search(message):
            return _first(doc, xpath)
    store = _NAMED_STORE.search(message)
    if store:
        return _first(doc, ".//bpmn:dataStore[@name=$name]", name=store.group(1).strip())
    for match in _QUOTED.finditer(message):
        element = doc.find_by_id(next(group for group in match.groups() if group))
        if element is not None:
            return element
    return None


def _first(doc: Document, xpath: str, **variables):
    if doc.kind != "bpmn":
        return None
    found = doc.root.xpath(xpath, namespaces=NS, **variables)
    return found[0] if found else None
