"""Post-processing shared by key_family_care.py and prevention_campaign.py (bpmnkit itself is not modified).

bpmnkit lays out one flat process. These helpers add what it does not emit:
- embedded subprocesses: the inner flow is laid out as its own bpmnkit Diagram and moved into the
  <bpmn:subProcess>, with its shapes on a second BPMNDiagram plane (a collapsed subprocess, the way
  bpmn.io stores a drill-down);
- multiInstanceLoopCharacteristics (loopDataInputRef / inputDataItem / loopDataOutputRef / outputDataItem),
  with spiffworkflow:scriptsOnInstances="true" so that a task's postScript runs on every instance
  (SpiffWorkflow otherwise moves it to the multi-instance wrapper, where it runs once at the end);
- timeDate instead of timeDuration on the named timers;
- messageVariable on a message start event.
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import NS, q


def message(msg_id, name):
    return etree.Element(q("bpmn", "message"), id=msg_id, name=name)


def by_id(root, element_id):
    found = root.xpath(f"//*[@id='{element_id}']")
    assert len(found) == 1, (element_id, len(found))
    return found[0]


def _after_flows(el, new):
    """insert `new` after the last incoming/outgoing (and loop characteristics) of a flow node"""
    anchor = None
    for child in el:
        if etree.QName(child).localname in ("extensionElements", "incoming", "outgoing"):
            anchor = child
    if anchor is None:
        el.insert(0, new)
    else:
        anchor.addnext(new)


def multi_instance(root, element_id, input_ref, input_item, output_ref=None, output_item=None, sequential=False):
    el = by_id(root, element_id)
    mi = etree.Element(q("bpmn", "multiInstanceLoopCharacteristics"))
    if sequential:
        mi.set("isSequential", "true")
    mi.set(q("spiffworkflow", "scriptsOnInstances"), "true")
    etree.SubElement(mi, q("bpmn", "loopDataInputRef")).text = input_ref
    if output_ref:
        etree.SubElement(mi, q("bpmn", "loopDataOutputRef")).text = output_ref
    etree.SubElement(mi, q("bpmn", "inputDataItem"), id=input_item, name=input_item)
    if output_item:
        etree.SubElement(mi, q("bpmn", "outputDataItem"), id=output_item, name=output_item)
    _after_flows(el, mi)


def time_dates(root, ids):
    for element_id in ids:
        spec = by_id(root, element_id).find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
        spec.tag = q("bpmn", "timeDate")


def message_variable(root, event_id, variable):
    med = by_id(root, event_id).find("bpmn:messageEventDefinition", NS)
    ext = etree.SubElement(med, q("bpmn", "extensionElements"))
    etree.SubElement(ext, q("spiffworkflow", "messageVariable")).text = variable


def out_of_lanes(root, element_id):
    """Take a subprocess out of the process' lanes: SpiffWorkflow gives every element inside a subprocess
    that sits in a lane the subprocess' lane; outside any lane, each inner element keeps its own inner lane."""
    for ref in root.xpath(f"//bpmn:flowNodeRef[text()='{element_id}']", namespaces=NS):
        ref.getparent().remove(ref)


def embed(root, sub_id, inner, keep_lanes):
    """Move the flow of bpmnkit Diagram `inner` into subProcess `sub_id` and draw it on its own plane."""
    inner_root = etree.fromstring(inner.to_xml())
    process = inner_root.find("bpmn:process", NS)
    lane_ids = {lane.get("id") for lane in process.iter(q("bpmn", "lane"))}
    sub = by_id(root, sub_id)
    for child in list(process):
        if child.tag == q("bpmn", "laneSet") and not keep_lanes:
            continue
        sub.append(child)
    plane_in = inner_root.find(".//bpmndi:BPMNPlane", NS)
    # Each plane has its own coordinates; drawing the inner flow below everything drawn so far keeps tools that
    # check all planes' geometry together (e.g. /tmp/bpmnview) from taking it for overlaps.
    bottom = max(float(b.get("y")) + float(b.get("height")) for b in root.iter(q("dc", "Bounds")))
    top = min(float(b.get("y")) for b in plane_in.iter(q("dc", "Bounds")))
    shift = (int(bottom) // 100 + 2) * 100 - int(top)
    for el in plane_in.iter(q("dc", "Bounds"), q("di", "waypoint")):
        el.set("y", f"{float(el.get('y')) + shift:.0f}")
    skip = {f"{inner.pid}_participant"} | (set() if keep_lanes else lane_ids)
    diagram = etree.SubElement(root, q("bpmndi", "BPMNDiagram"), id=f"{sub_id}_diagram")
    plane = etree.SubElement(diagram, q("bpmndi", "BPMNPlane"), id=f"{sub_id}_plane", bpmnElement=sub_id)
    for shape in list(plane_in):
        if shape.get("bpmnElement") not in skip:
            plane.append(shape)
    outer_shape = root.xpath(f"//bpmndi:BPMNShape[@bpmnElement='{sub_id}']", namespaces=NS)[0]
    outer_shape.set("isExpanded", "false")


def write(root, path):
    etree.cleanup_namespaces(root)
    # re-parse so that the moved elements are indented like the rest
    root = etree.fromstring(etree.tostring(root), etree.XMLParser(remove_blank_text=True))
    with open(path, "wb") as f:
        f.write(etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8"))
    print("written", path)
