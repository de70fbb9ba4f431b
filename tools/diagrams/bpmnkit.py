"""Throwaway authoring aid: lay out a lane diagram and emit BPMN 2.0 with BPMNDI.

Layout (BPMNDI only, never the process): nodes sit on a column/lane grid; sequence flows are routed
orthogonally by an A* router on a 10 px grid that keeps 10 px clear of every shape, never lets two flows share a
segment or a bend point, penalises bends and crossings, never runs along a lane border, and docks each flow at
its own port (gateway/event vertices, several points per task side). A few rip-up-and-reroute passes then
try to remove crossings. Labels of events, gateways, boundary events and named flows get explicit
BPMNLabel bounds in free space (no shape, no other label, no flow, inside one lane). `emit_di` prints its own
geometry check (the same problem classes as /tmp/bpmnview's renderer)."""
import heapq
import math
from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DDI = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"bpmn": BPMN, "bpmndi": DI, "dc": DC, "di": DDI, "spiffworkflow": SPIFF, "xsi": XSI}
def q(p, n): return "{%s}%s" % (NS[p], n)

SIZES = {"startEvent": (36, 36), "endEvent": (36, 36), "intermediateCatchEvent": (36, 36),
         "intermediateThrowEvent": (36, 36), "boundaryEvent": (36, 36),
         "exclusiveGateway": (50, 50), "parallelGateway": (50, 50), "inclusiveGateway": (50, 50)}
TASK = (110, 80)
COL_W, LANE_H, LANE_X, LABEL_W = 150, 180, 160, 30
POOL_Y = 80
GRID = 10
CHAR_W, LINE_H = 12, 14   # label text metrics (bpmn-js external labels: 11px font)


class Diagram:
    def __init__(self, process_id, name, lanes, lane_order=None, lane_heights=None, col_widths=None,
                 route_first=(), route_last=()):
        """layout-only keywords: lane_order (visual top-to-bottom order of lane ids; the laneSet keeps `lanes`'
        order), lane_heights {lane: px, multiple of 20}, col_widths {col: px, multiple of 10},
        route_first / route_last: flow ids routed before / after the others."""
        self.pid, self.name, self.lanes = process_id, name, lanes  # lanes: [(id, name)]
        self.nodes, self.flows, self.boundaries, self.messages, self.extra_root = [], [], [], [], []
        self.lane_order = list(lane_order or [l[0] for l in lanes])
        assert sorted(self.lane_order) == sorted(l[0] for l in lanes)
        self.lane_heights = dict(lane_heights or {})
        self.col_widths = dict(col_widths or {})
        self.route_first, self.route_last = list(route_first), list(route_last)

    def node(self, id, kind, name, lane, col, props=None, **kw):
        self.nodes.append(dict(id=id, kind=kind, name=name, lane=lane, col=col, props=props or {}, **kw))

    def flow(self, src, tgt, name=None, cond=None, id=None):
        self.flows.append(dict(id=id or f"flow_{src}_{tgt}", src=src, tgt=tgt, name=name, cond=cond))

    def boundary(self, id, attached, name, timer=None, cancel=True, props=None, offset=0):
        """offset: slot on the host's bottom edge, 0 = right-most"""
        self.boundaries.append(dict(id=id, attached=attached, name=name, timer=timer, cancel=cancel,
                                    props=props or {}, offset=offset))

    # -- geometry, routing and labels: see Geo / Router / emit_di below

    # -- XML
    def to_xml(self, extra_defs=None):
        E = etree.Element
        d = E(q("bpmn", "definitions"), nsmap=NS, id=f"{self.pid}_definitions",
              targetNamespace="http://jiahe.example/processes", exporter="jiahe", exporterVersion="1")
        d.set("expressionLanguage", "https://www.python.org/")
        for el in self.extra_root:
            d.append(el)
        collab = etree.SubElement(d, q("bpmn", "collaboration"), id=f"{self.pid}_collaboration")
        etree.SubElement(collab, q("bpmn", "participant"), id=f"{self.pid}_participant", name=self.name, processRef=self.pid)
        p = etree.SubElement(d, q("bpmn", "process"), id=self.pid, name=self.name, isExecutable="true")
        ls = etree.SubElement(p, q("bpmn", "laneSet"), id=f"{self.pid}_lanes")
        for lid, lname in self.lanes:
            lane = etree.SubElement(ls, q("bpmn", "lane"), id=lid, name=lname)
            for n in self.nodes:
                if n["lane"] == lid:
                    etree.SubElement(lane, q("bpmn", "flowNodeRef")).text = n["id"]
            for b in self.boundaries:
                host = next(n for n in self.nodes if n["id"] == b["attached"])
                if host["lane"] == lid:
                    etree.SubElement(lane, q("bpmn", "flowNodeRef")).text = b["id"]
        inc = {}; out = {}
        for f in self.flows:
            out.setdefault(f["src"], []).append(f["id"]); inc.setdefault(f["tgt"], []).append(f["id"])
        for n in self.nodes:
            el = etree.SubElement(p, q("bpmn", n["kind"]), id=n["id"], name=n["name"])
            if n.get("default"):
                el.set("default", n["default"])
            self._extensions(el, n)
            for i in inc.get(n["id"], []):
                etree.SubElement(el, q("bpmn", "incoming")).text = i
            for o in out.get(n["id"], []):
                etree.SubElement(el, q("bpmn", "outgoing")).text = o
            if n.get("loop"):
                lc = etree.SubElement(el, q("bpmn", "standardLoopCharacteristics"))
                if n.get("scripts_on_instances"):  # run pre/post scripts on every round, not once
                    lc.set(q("spiffworkflow", "scriptsOnInstances"), "true")
                c = etree.SubElement(lc, q("bpmn", "loopCondition")); c.set(q("xsi", "type"), "bpmn:tFormalExpression"); c.text = n["loop"]
            if n.get("script"):
                etree.SubElement(el, q("bpmn", "script")).text = n["script"]
            if n.get("message_start"):
                etree.SubElement(el, q("bpmn", "messageEventDefinition"), id=n["id"] + "_med", messageRef=n["message_start"])
            if n.get("message_throw"):
                med = etree.SubElement(el, q("bpmn", "messageEventDefinition"), id=n["id"] + "_med", messageRef=n["message_throw"][0])
                ext = etree.SubElement(med, q("bpmn", "extensionElements"))
                etree.SubElement(ext, q("spiffworkflow", "messagePayload")).text = n["message_throw"][1]
            if n.get("message_catch"):
                med = etree.SubElement(el, q("bpmn", "messageEventDefinition"), id=n["id"] + "_med", messageRef=n["message_catch"][0])
                ext = etree.SubElement(med, q("bpmn", "extensionElements"))
                etree.SubElement(ext, q("spiffworkflow", "messageVariable")).text = n["message_catch"][1]
            if n.get("timer"):
                ted = etree.SubElement(el, q("bpmn", "timerEventDefinition"), id=n["id"] + "_timer")
                etree.SubElement(ted, q("bpmn", "timeDuration")).text = n["timer"]
            if n.get("called"):
                el.set("calledElement", n["called"])
        for b in self.boundaries:
            el = etree.SubElement(p, q("bpmn", "boundaryEvent"), id=b["id"], name=b["name"], attachedToRef=b["attached"])
            if not b["cancel"]:
                el.set("cancelActivity", "false")
            self._extensions(el, b)
            for o in out.get(b["id"], []):
                etree.SubElement(el, q("bpmn", "outgoing")).text = o
            ted = etree.SubElement(el, q("bpmn", "timerEventDefinition"), id=b["id"] + "_timer")
            etree.SubElement(ted, q("bpmn", "timeDuration")).text = b["timer"]
        for f in self.flows:
            el = etree.SubElement(p, q("bpmn", "sequenceFlow"), id=f["id"], sourceRef=f["src"], targetRef=f["tgt"])
            if f["name"]:
                el.set("name", f["name"])
            if f["cond"]:
                c = etree.SubElement(el, q("bpmn", "conditionExpression")); c.set(q("xsi", "type"), "bpmn:tFormalExpression"); c.text = f["cond"]
        self._di(d)
        return etree.tostring(d, pretty_print=True, xml_declaration=True, encoding="UTF-8")

    def _extensions(self, el, n):
        props, ext_children = n.get("props") or {}, []
        if n.get("decision"):
            ext_children.append(("calledDecisionId", n["decision"]))
        if n.get("instructions"):
            ext_children.append(("instructionsForEndUser", n["instructions"]))
        if n.get("post_script"):
            ext_children.append(("postScript", n["post_script"]))
        if not props and not ext_children:
            return
        ext = etree.SubElement(el, q("bpmn", "extensionElements"))
        for tag, text in ext_children:
            etree.SubElement(ext, q("spiffworkflow", tag)).text = text
        if props:
            ps = etree.SubElement(ext, q("spiffworkflow", "properties"))
            for k, v in props.items():
                etree.SubElement(ps, q("spiffworkflow", "property"), name=k, value=v)

    def _di(self, d):
        emit_di(self, d)


# ================================================================ orthogonal grid router (A*)
DIRS = [(1, 0), (-1, 0), (0, 1), (0, -1)]  # 0:+x 1:-x 2:+y 3:-y
REV = [1, 0, 3, 2]


class Router:
    def __init__(self, x0, y0, x1, y1, step=10, hrows_blocked=(), clear=10,
                 bend=45, cross=150, adj=3):
        self.step, self.clear = step, clear
        self.gx0, self.gy0 = x0, y0
        self.nx = int((x1 - x0) // step) + 1
        self.ny = int((y1 - y0) // step) + 1
        n = self.nx * self.ny
        self.blocked = bytearray(n)
        self.soft = [0] * n
        self.hrow_ok = [True] * self.ny
        for y in hrows_blocked:
            iy = self.iy(y)
            if iy is not None:
                self.hrow_ok[iy] = False
        self.hseg = [None] * n   # unit segment i -> i+1
        self.vseg = [None] * n   # unit segment i -> i+nx
        self.pt_use = [0] * n
        self.pt_hard = bytearray(n)
        self.BEND, self.CROSS, self.ADJ = bend, cross, adj
        self.shapes = []

    # coordinates
    def X(self, ix): return self.gx0 + ix * self.step
    def Y(self, iy): return self.gy0 + iy * self.step
    def ix(self, x):
        v = (x - self.gx0) / self.step
        return int(round(v)) if abs(v - round(v)) < 1e-6 and 0 <= round(v) < self.nx else None
    def iy(self, y):
        v = (y - self.gy0) / self.step
        return int(round(v)) if abs(v - round(v)) < 1e-6 and 0 <= round(v) < self.ny else None

    def add_obstacle(self, x, y, w, h, clear=None):
        c = self.clear if clear is None else clear
        self.shapes.append((x, y, w, h))
        for iy in range(self.ny):
            Y = self.Y(iy)
            if not (y - c < Y < y + h + c):
                continue
            for ix in range(self.nx):
                X = self.X(ix)
                if x - c < X < x + w + c:
                    self.blocked[iy * self.nx + ix] = 1

    def add_soft(self, x, y, w, h, cost):
        for iy in range(self.ny):
            Y = self.Y(iy)
            if not (y <= Y <= y + h):
                continue
            for ix in range(self.nx):
                if x <= self.X(ix) <= x + w:
                    self.soft[iy * self.nx + ix] += cost

    def block_rect(self, x, y, w, h):
        for iy in range(self.ny):
            Y = self.Y(iy)
            if y <= Y <= y + h:
                for ix in range(self.nx):
                    if x <= self.X(ix) <= x + w:
                        self.blocked[iy * self.nx + ix] = 1

    def stub(self, px, py, d):
        """first free grid point from port (px,py) going in direction d; None if none nearby"""
        dx, dy = DIRS[d]
        import math
        if dx:
            iy = self.iy(py)
            if iy is None:
                return None
            k = (px - self.gx0) / self.step
            ix = math.floor(k) + 1 if dx > 0 else math.ceil(k) - 1
        else:
            ix = self.ix(px)
            if ix is None:
                return None
            k = (py - self.gy0) / self.step
            iy = math.floor(k) + 1 if dy > 0 else math.ceil(k) - 1
        for _ in range(4):
            if not (0 <= ix < self.nx and 0 <= iy < self.ny):
                return None
            i = iy * self.nx + ix
            X, Y = self.X(ix), self.Y(iy)
            if abs(X - px) + abs(Y - py) >= self.clear - 1e-6:
                return None if self.blocked[i] else i
            ix += dx; iy += dy
        return None

    def route(self, starts, goals, eid):
        """starts: [(grid_i, dir, cost, tag)], goals: [(grid_i, inward_dir, cost, tag)].
        returns (grid point list, start tag, goal tag) or None"""
        nx = self.nx
        goal_at = {}
        for gi, gd, gc, tag in goals:
            goal_at.setdefault(gi, []).append((gd, gc, tag))
        gxs = [gi % nx for gi in goal_at]
        gys = [gi // nx for gi in goal_at]
        if not gxs:
            return None
        ax0, ax1, ay0, ay1 = min(gxs), max(gxs), min(gys), max(gys)
        step = self.step
        def h(i):
            x, y = i % nx, i // nx
            return (max(ax0 - x, 0, x - ax1) + max(ay0 - y, 0, y - ay1)) * step
        heap, best, parent = [], {}, {}
        for si, sd, sc, tag in starts:
            s = si * 4 + sd
            if self.pt_hard[si] or self.pt_use[si]:
                continue
            if sc < best.get(s, 1e18):
                best[s] = sc; parent[s] = ("start", tag)
                heapq.heappush(heap, (sc + h(si), sc, s))
        done = None
        while heap:
            f, g, s = heapq.heappop(heap)
            if s < 0:
                done = (g, -s - 1)
                break
            if g > best.get(s, 1e18):
                continue
            i, d = divmod(s, 4)
            if i in goal_at:
                for k, (gd, gc, tag) in enumerate(goal_at[i]):
                    if d == REV[gd]:
                        continue
                    extra = gc
                    if d != gd:
                        if self.pt_use[i]:
                            continue
                        extra += self.BEND
                    heapq.heappush(heap, (g + extra, g + extra, -1 - (s * 8 + k)))
            x, y = i % nx, i // nx
            for nd, (dx, dy) in enumerate(DIRS):
                if nd == REV[d]:
                    continue
                X, Y = x + dx, y + dy
                if not (0 <= X < nx and 0 <= Y < self.ny):
                    continue
                j = Y * nx + X
                if self.blocked[j] or self.pt_hard[j]:
                    continue
                if dx:
                    if not self.hrow_ok[y]:
                        continue
                    u = min(i, j)
                    if self.hseg[u] is not None:
                        continue
                else:
                    u = min(i, j)
                    if self.vseg[u] is not None:
                        continue
                c = self.step + self.soft[j]
                if nd != d:
                    if self.pt_use[i]:
                        continue
                    c += self.BEND
                if self.pt_use[j]:
                    c += self.CROSS
                # parallel neighbours
                if dx:
                    if u - nx >= 0 and self.hseg[u - nx] is not None: c += self.ADJ
                    if u + nx < len(self.hseg) and self.hseg[u + nx] is not None: c += self.ADJ
                else:
                    if x > 0 and self.vseg[u - 1] is not None: c += self.ADJ
                    if x + 1 < nx and self.vseg[u + 1] is not None: c += self.ADJ
                ns = j * 4 + nd
                ng = g + c
                if ng < best.get(ns, 1e18):
                    best[ns] = ng; parent[ns] = s
                    heapq.heappush(heap, (ng + h(j), ng, ns))
        if done is None:
            return None
        s, k = divmod(done[1], 8)   # the state that reached the goal point, and which goal there
        gd, gc, gtag = goal_at[s // 4][k]
        pts = []
        while True:
            pts.append(s // 4)
            p = parent[s]
            if isinstance(p, tuple):
                stag = p[1]
                break
            s = p
        pts.reverse()
        self.commit(pts, eid)
        return pts, stag, gtag, done[0]

    def commit(self, pts, eid):
        for a, b in zip(pts, pts[1:]):
            u = min(a, b)
            if abs(a - b) == 1:
                self.hseg[u] = eid
            else:
                self.vseg[u] = eid
        for k, p in enumerate(pts):
            self.pt_use[p] += 1
            if k == 0 or k == len(pts) - 1:
                self.pt_hard[p] = 1
            else:
                a, b = pts[k - 1], pts[k + 1]
                if (b - p) != (p - a):
                    self.pt_hard[p] = 1

    def uncommit(self, pts, eid):
        for a, b in zip(pts, pts[1:]):
            u = min(a, b)
            if abs(a - b) == 1:
                assert self.hseg[u] == eid
                self.hseg[u] = None
            else:
                assert self.vseg[u] == eid
                self.vseg[u] = None
        for k, p in enumerate(pts):
            self.pt_use[p] -= 1
            if k == 0 or k == len(pts) - 1:
                self.pt_hard[p] = 0
            else:
                a, b = pts[k - 1], pts[k + 1]
                if (b - p) != (p - a):
                    self.pt_hard[p] = 0

    def cost(self, pts, d0, d1, c0=0, c1=0):
        """cost of a committed-elsewhere path (call with the path uncommitted): same model as route()"""
        nx = self.nx
        c = c0 + c1
        d = d0
        for k, (i, j) in enumerate(zip(pts, pts[1:])):
            nd = {1: 0, -1: 1, nx: 2, -nx: 3}[j - i]
            c += self.step + self.soft[j]
            if nd != d:
                c += self.BEND
            if self.pt_use[j]:
                c += self.CROSS
            u = min(i, j)
            if nd < 2:
                if u - nx >= 0 and self.hseg[u - nx] is not None: c += self.ADJ
                if u + nx < len(self.hseg) and self.hseg[u + nx] is not None: c += self.ADJ
            else:
                x = i % nx
                if x > 0 and self.vseg[u - 1] is not None: c += self.ADJ
                if x + 1 < nx and self.vseg[u + 1] is not None: c += self.ADJ
            d = nd
        if d != d1:
            c += self.BEND
        return c

    def xy(self, i):
        return self.X(i % self.nx), self.Y(i // self.nx)


# ================================================================ layout
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway"}


# ---------------------------------------------------------------- geometry
class Geo:
    def __init__(self, dg):
        self.dg = dg
        self.lane_top, self.lane_h = {}, {}
        y = POOL_Y
        for lid in dg.lane_order:
            h = dg.lane_heights.get(lid, LANE_H)
            assert h % 20 == 0, (lid, h)
            self.lane_top[lid], self.lane_h[lid] = y, h
            y += h
        self.pool_bottom = y
        self.maxcol = max(n["col"] for n in dg.nodes)
        self.lane_x0 = LANE_X + LABEL_W
        self.lane_x1 = self.col_cx(self.maxcol) + TASK[0] / 2 + 40
        self.rect = {}
        self.kind = {}
        self.lane_of = {}
        for lid, cw in dg.col_widths.items():
            assert cw % GRID == 0, ("column widths must be multiples of the routing grid", lid, cw)
        for n in dg.nodes:
            assert n.get("dx", 0) % GRID == 0 and n.get("dy", 0) % GRID == 0, ("dx/dy must be multiples of the grid", n["id"])
            w, h = SIZES.get(n["kind"], TASK)
            cx = self.col_cx(n["col"]) + n.get("dx", 0)
            cy = self.lane_top[n["lane"]] + self.lane_h[n["lane"]] / 2 + n.get("dy", 0)
            self.rect[n["id"]] = (cx - w / 2, cy - h / 2, w, h)
            self.kind[n["id"]] = n["kind"]
            self.lane_of[n["id"]] = n["lane"]
        for b in dg.boundaries:
            host = next(n for n in dg.nodes if n["id"] == b["attached"])
            x, y, w, h = self.rect[host["id"]]
            bx = x + w - 25 - b["offset"] * 50
            self.rect[b["id"]] = (bx - 18, y + h - 18, 36, 36)
            self.kind[b["id"]] = "boundaryEvent"
            self.lane_of[b["id"]] = host["lane"]

    def col_cx(self, col):
        base = self.lane_x0 + 40 + TASK[0] / 2
        whole = int(math.floor(col))
        x = base + sum(self.dg.col_widths.get(i, COL_W) for i in range(whole))
        return x + (col - whole) * self.dg.col_widths.get(whole, COL_W)

    def lane_rect(self, lid):
        return (self.lane_x0, self.lane_top[lid], self.lane_x1 - self.lane_x0, self.lane_h[lid])

    def ports(self, nid, role):
        """[(px, py, outward_dir, pref, key)]"""
        x, y, w, h = self.rect[nid]
        cx, cy = x + w / 2, y + h / 2
        k = self.kind[nid]
        if k == "boundaryEvent":
            return [(cx, y + h, 2, 0, (nid, "b", 0))] if role == "out" else []
        if role == "out":
            side = {0: 0, 2: 14, 3: 14, 1: 80}
        else:
            side = {1: 0, 3: 14, 2: 14, 0: 80}
        if k in GATEWAYS:
            side = dict(side)
            if role == "out":
                side[2] = side[3] = 4
        res = []
        if k in SIZES:  # events and gateways: the four vertices / cardinal points
            pts = {0: (x + w, cy), 1: (x, cy), 2: (cx, y + h), 3: (cx, y)}
            for d, (px, py) in pts.items():
                res.append((px, py, d, side[d], (nid, d, 0)))
            return res
        for d in (0, 1):
            px = x + w if d == 0 else x
            for off in (0, -20, 20):
                res.append((px, cy + off, d, side[d] + abs(off) // 10 * 3, (nid, d, off)))
        for d in (2, 3):
            py = y + h if d == 2 else y
            for off in (0, -20, 20, -40, 40):
                res.append((cx + off, py, d, side[d] + abs(off) // 10 * 3, (nid, d, off)))
        return res


# ---------------------------------------------------------------- geometry helpers (same rules as the renderer's checks)
def seg_hits_rect(p, qq, r, m=2):
    x0, x1, y0, y1 = r[0] + m, r[0] + r[2] - m, r[1] + m, r[1] + r[3] - m
    if x1 <= x0 or y1 <= y0:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = qq[0] - p[0], qq[1] - p[1]
    for pp, qv in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pp == 0:
            if qv < 0:
                return False
            continue
        t = qv / pp
        if pp < 0:
            if t > t1:
                return False
            t0 = max(t0, t)
        else:
            if t < t0:
                return False
            t1 = min(t1, t)
    return t0 < t1


def rects_intersect(a, b, pad=0):
    return a[0] < b[0] + b[2] - pad and b[0] < a[0] + a[2] - pad and a[1] < b[1] + b[3] - pad and b[1] < a[1] + a[3] - pad


def inside(inner, outer, tol=0):
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol and
            inner[0] + inner[2] <= outer[0] + outer[2] + tol and inner[1] + inner[3] <= outer[1] + outer[3] + tol)


def simplify(pts):
    out = []
    for p in pts:
        if out and abs(out[-1][0] - p[0]) < 1e-6 and abs(out[-1][1] - p[1]) < 1e-6:
            continue
        out.append(p)
        while len(out) >= 3:
            a, b, c = out[-3:]
            if (abs(a[0] - b[0]) < 1e-6 and abs(b[0] - c[0]) < 1e-6) or (abs(a[1] - b[1]) < 1e-6 and abs(b[1] - c[1]) < 1e-6):
                out.pop(-2)
            else:
                break
    return out


def text_w(s):
    return sum(CHAR_W if ord(ch) > 0x2e7f else 7 for ch in s)


# ---------------------------------------------------------------- routing
def route_all(dg, geo):
    lane_borders = sorted(set([POOL_Y, geo.pool_bottom] + [geo.lane_top[l] for l in dg.lane_order]))
    r = Router(geo.lane_x0 + 5, POOL_Y, geo.lane_x1 - 5, geo.pool_bottom, step=GRID, hrows_blocked=lane_borders)
    # pool top / bottom rows are not usable at all
    r.block_rect(geo.lane_x0, POOL_Y - 1, geo.lane_x1 - geo.lane_x0, 2)
    r.block_rect(geo.lane_x0, geo.pool_bottom - 1, geo.lane_x1 - geo.lane_x0, 2)
    for nid, rc in geo.rect.items():
        r.add_obstacle(*rc)
        # prefer a little more room than the minimum clearance around shapes
        x, y, w, h = rc
        r.add_soft(x - 20, y - 20, w + 40, h + 40, 3)
    # discourage running right beside a lane border (edges would read as part of the border)
    for yb in lane_borders:
        for dyy in (-GRID, GRID):
            if r.iy(yb + dyy) is not None:
                r.add_soft(geo.lane_x0, yb + dyy, geo.lane_x1 - geo.lane_x0, 0, 6)
    # discourage flows from taking the usual label spots of events and gateways
    for n in dg.nodes:
        if n["kind"] in SIZES:
            cands = node_label_cands(geo, n["id"], n["name"])
            for lx, ly, W, H in cands[:1] + (cands[3:4] if n["kind"] in GATEWAYS else []):
                r.add_soft(lx - 4, ly - 4, W + 8, H + 8, 12)
    for b in dg.boundaries:
        cands = node_label_cands(geo, b["id"], b["name"])
        lx, ly, W, H = cands[0] if b["offset"] == 0 else cands[1]   # outer side of the pair
        r.add_soft(lx - 4, ly - 4, W + 8, H + 8, 12)
    used_ports = set()
    state = {}   # flow id -> (grid pts, start key, start dir, start pref, goal key, goal dir, goal pref)
    portinfo = {}
    flows = {f["id"]: f for f in dg.flows}

    def centre(nid):
        x, y, w, h = geo.rect[nid]
        return x + w / 2, y + h / 2

    def length(f):
        (a, b), (c, e) = centre(f["src"]), centre(f["tgt"])
        return abs(a - c) + abs(b - e)

    def do_route(f):
        starts, goals, meta = [], [], {}
        for px, py, d, pref, key in geo.ports(f["src"], "out"):
            if key in used_ports:
                continue
            si = r.stub(px, py, d)
            if si is None:
                continue
            starts.append((si, d, pref, key)); portinfo[key] = (px, py); meta[key] = (d, pref)
        for px, py, d, pref, key in geo.ports(f["tgt"], "in"):
            if key in used_ports:
                continue
            gi = r.stub(px, py, d)
            if gi is None:
                continue
            goals.append((gi, REV[d], pref, key)); portinfo[key] = (px, py); meta[key] = (REV[d], pref)
        res = r.route(starts, goals, f["id"])
        if res is None:
            return None
        pts, skey, gkey, cost = res
        used_ports.add(skey); used_ports.add(gkey)
        state[f["id"]] = (pts, skey) + meta[skey] + (gkey,) + meta[gkey]
        return cost

    def rip(fid):
        pts, skey, sd, sp, gkey, gd, gp = state.pop(fid)
        r.uncommit(pts, fid)
        used_ports.discard(skey); used_ports.discard(gkey)
        return (pts, skey, sd, sp, gkey, gd, gp)

    def put(fid, st):
        r.commit(st[0], fid)
        used_ports.add(st[1]); used_ports.add(st[4])
        state[fid] = st

    def cost(fid):
        st = rip(fid)
        c = r.cost(st[0], st[2], st[5], st[3], st[6])
        put(fid, st)
        return c

    order = sorted(dg.flows, key=lambda f: (f["id"] not in dg.route_first, f["id"] in dg.route_last, length(f)))
    for f in order:
        if do_route(f) is None:
            raise RuntimeError(f"cannot route {f['id']}")

    def attempt(fids, new_order):
        old = sum(cost(x) for x in fids)
        saved = {x: rip(x) for x in fids}
        ok = all(do_route(flows[x]) is not None for x in new_order)
        if ok:
            new = sum(cost(x) for x in fids)
            if new < old - 1e-6:
                return True
        for x in fids:
            if x in state:
                rip(x)
        for x in fids:
            put(x, saved[x])
        return False

    ends = {}
    for f in dg.flows:
        for nid in (f["src"], f["tgt"]):
            ends.setdefault(nid, []).append(f["id"])
    fids = [f["id"] for f in dg.flows]
    pairs = [(a, b) for i, a in enumerate(fids) for b in fids[i + 1:]]

    def crossing(a, b):
        return bool(set(state[a][0]) & set(state[b][0]))
    for it in range(4):
        changed = 0
        for f in order:
            changed += attempt([f["id"]], [f["id"]])
        for a, b in pairs:
            if crossing(a, b):
                changed += attempt([a, b], [b, a])
        total = sum(cost(f["id"]) for f in dg.flows)
        print(f"routing pass {it}: {changed} improvements, total cost {total:.0f}")
        if not changed:
            break
    routes = {}
    for fid, st in state.items():
        routes[fid] = simplify([portinfo[st[1]]] + [r.xy(i) for i in st[0]] + [portinfo[st[4]]])
    return routes


# ---------------------------------------------------------------- labels
def node_label_cands(geo, nid, name):
    """candidate label rects (x, y, w, h), best first"""
    x, y, w, h = geo.rect[nid]
    cx, cy = x + w / 2, y + h / 2
    tw = text_w(name)
    W = max(min(tw + 8, 98), 40)
    H = max(1, math.ceil(tw / (W - 6))) * LINE_H
    Wn = max(math.ceil(len(name) / 2) * CHAR_W + 8, 40) if len(name) > 3 else W   # narrow, two lines
    Hn = max(1, math.ceil(tw / (Wn - 6))) * LINE_H
    g = 3
    if geo.kind[nid] == "boundaryEvent":
        # beside the event, under the host (the outgoing flow leaves downwards)
        c = [(x + w + g, y + h - H + 2), (x - W - g, y + h - H + 2), (x + w + g, y + h / 2), (x - W - g, y + h / 2),
             (x + w + g, y + h + 2), (x - W - g, y + h + 2)]
        return [(lx, ly, W, H) for lx, ly in c]
    c = [(cx - W / 2, y + h + g, W, H), (cx - W / 2, y - g - H, W, H),
         (x - W - g + 8, y - g - H, W, H), (x - Wn - g + 8, y - g - Hn, Wn, Hn),
         (x - W - g + 8, y + h + g, W, H), (x - Wn - g + 8, y + h + g, Wn, Hn),
         (x + w + g - 8, y - g - H, W, H), (x + w + g - 8, y + h + g, W, H),
         (x + w + g, cy + 6, W, H), (x - W - g, cy + 6, W, H), (x + w + g, cy - H - 6, W, H), (x - W - g, cy - H - 6, W, H)]
    for k in range(1, 5):
        c += [(cx - W / 2 + dx, y + h + g + k * 5, W, H) for dx in (0, 15, -15, 30, -30)]
    return c


def place_labels(dg, geo, routes):
    shapes = dict(geo.rect)
    segs = []
    for fid, pts in routes.items():
        for a, b in zip(pts, pts[1:]):
            segs.append((fid, a, b))
    placed = {}   # element id -> rect

    def free(rc, own_edge=None, lane=None):
        for nid, s in shapes.items():
            if rects_intersect(rc, s, 0):
                return False
        for oid, o in placed.items():
            if rects_intersect(rc, (o[0] - 2, o[1] - 2, o[2] + 4, o[3] + 4), 0):
                return False
        for fid, a, b in segs:
            if seg_hits_rect(a, b, (rc[0] - 1, rc[1] - 1, rc[2] + 2, rc[3] + 2), 0):
                return False
        if lane is not None and not inside(rc, geo.lane_rect(lane), -2):
            return False
        return True

    # node labels (events, gateways, boundary events)
    items = [(b["id"], b["name"]) for b in dg.boundaries] + \
            [(n["id"], n["name"]) for n in dg.nodes if n["kind"] in SIZES]
    for nid, name in items:
        cands = node_label_cands(geo, nid, name)
        for rc in cands:
            shapes_saved = shapes.pop(nid)
            ok = free(rc, lane=geo.lane_of[nid])
            shapes[nid] = shapes_saved
            if ok:
                placed[nid] = rc
                break
        else:
            print("WARNING: no free spot for label of", nid, name)
            placed[nid] = cands[0]
    # flow labels
    for f in dg.flows:
        if not f["name"]:
            continue
        pts = routes[f["id"]]
        W = text_w(f["name"]) + 6
        H = LINE_H
        best = None
        dist = 0
        lane_of_pt = lambda p: next((l for l in dg.lane_order if geo.lane_top[l] < p[1] < geo.lane_top[l] + geo.lane_h[l]), None)
        for k, (a, b) in enumerate(zip(pts, pts[1:])):
            L = abs(a[0] - b[0]) + abs(a[1] - b[1])
            horiz = abs(a[1] - b[1]) < 1e-6
            sgn = 1 if (b[0] - a[0] if horiz else b[1] - a[1]) > 0 else -1
            t = 6
            while t <= L - 4:
                if horiz:
                    xt = a[0] + sgn * t
                    lx = xt if sgn > 0 else xt - W
                    opts = [((lx, a[1] - 3 - H), 0), ((lx, a[1] + 3), 10)]
                else:
                    yt = a[1] + sgn * t
                    ly = yt if sgn > 0 else yt - H
                    opts = [((a[0] + 4, ly), 0), ((a[0] - 4 - W, ly), 40)]
                for (lx, ly), pen in opts:
                    rc = (lx, ly, W, H)
                    score = dist + t + pen
                    if best is not None and score >= best[0]:
                        continue
                    lane = lane_of_pt((lx + W / 2, ly + H / 2))
                    if lane and free(rc, lane=lane):
                        best = (score, rc)
                t += 5
            dist += L
            if best is not None and dist > best[0]:
                break
        if best is None:
            print("WARNING: no free spot for label of flow", f["id"], f["name"])
            a = pts[0]
            best = (0, (a[0] + 5, a[1] - 3 - H, W, H))
        placed[f["id"]] = best[1]
    return placed


# ---------------------------------------------------------------- checks (mirror of the renderer's geometry problems)
def check(dg, geo, routes, labels):
    probs = {"edgeCrossesShape": [], "edgeRunsThroughOwnEnd": [], "edgesShareSegment": [],
             "labelOverlapsShape": [], "labelOverlapsLabel": [], "labelCrossedByEdge": []}
    hosts = {b["id"]: b["attached"] for b in dg.boundaries}
    for f in dg.flows:
        pts = routes[f["id"]]
        for nid, rc in geo.rect.items():
            if nid in (f["src"], f["tgt"]) or hosts.get(f["src"]) == nid:
                continue
            if any(seg_hits_rect(a, b, rc) for a, b in zip(pts, pts[1:])):
                probs["edgeCrossesShape"].append((f["id"], nid))
        for nid in (f["src"], f["tgt"]):
            if any(seg_hits_rect(a, b, geo.rect[nid]) for a, b in zip(pts, pts[1:])):
                probs["edgeRunsThroughOwnEnd"].append((f["id"], nid))
    segs = [(f["id"], a, b) for f in dg.flows for a, b in zip(routes[f["id"]], routes[f["id"]][1:])]
    shared = {}
    for i in range(len(segs)):
        for j in range(i + 1, len(segs)):
            (e1, a1, b1), (e2, a2, b2) = segs[i], segs[j]
            if e1 == e2:
                continue
            L = 0
            if a1[1] == b1[1] and a2[1] == b2[1] and a1[1] == a2[1]:
                L = min(max(a1[0], b1[0]), max(a2[0], b2[0])) - max(min(a1[0], b1[0]), min(a2[0], b2[0]))
            elif a1[0] == b1[0] and a2[0] == b2[0] and a1[0] == a2[0]:
                L = min(max(a1[1], b1[1]), max(a2[1], b2[1])) - max(min(a1[1], b1[1]), min(a2[1], b2[1]))
            if L > 5:
                shared[tuple(sorted((e1, e2)))] = L
    probs["edgesShareSegment"] = list(shared.items())
    crossings = []
    for i in range(len(segs)):
        for j in range(i + 1, len(segs)):
            (e1, a1, b1), (e2, a2, b2) = segs[i], segs[j]
            if e1 == e2:
                continue
            h1, h2 = a1[1] == b1[1], a2[1] == b2[1]
            if h1 == h2:
                continue
            hs, vs = ((a1, b1), (a2, b2)) if h1 else ((a2, b2), (a1, b1))
            if (min(hs[0][0], hs[1][0]) < vs[0][0] < max(hs[0][0], hs[1][0]) and
                    min(vs[0][1], vs[1][1]) < hs[0][1] < max(vs[0][1], vs[1][1])):
                crossings.append((e1, e2))
    dg.crossings = crossings
    print("edge crossings:", len(crossings))
    ids = list(labels)
    for lid in ids:
        rc = labels[lid]
        for nid, s in geo.rect.items():
            if nid != lid and rects_intersect(rc, s, 1):
                probs["labelOverlapsShape"].append((lid, nid))
        for fid, a, b in segs:
            if fid != lid and seg_hits_rect(a, b, rc, 1):
                probs["labelCrossedByEdge"].append((lid, fid))
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            if rects_intersect(labels[ids[i]], labels[ids[j]], 1):
                probs["labelOverlapsLabel"].append((ids[i], ids[j]))
    return probs


# ---------------------------------------------------------------- output
def emit_di(dg, d):
    geo = Geo(dg)
    routes = route_all(dg, geo)
    labels = place_labels(dg, geo, routes)
    probs = check(dg, geo, routes, labels)
    print("layout check:", {k: len(v) for k, v in probs.items()})
    for k, v in probs.items():
        for item in v:
            print("  ", k, item)

    diag = etree.SubElement(d, q("bpmndi", "BPMNDiagram"), id=f"{dg.pid}_diagram")
    plane = etree.SubElement(diag, q("bpmndi", "BPMNPlane"), id=f"{dg.pid}_plane", bpmnElement=f"{dg.pid}_collaboration")

    def bounds(parent, x, y, w, h):
        etree.SubElement(parent, q("dc", "Bounds"), x=f"{x:.0f}", y=f"{y:.0f}", width=f"{w:.0f}", height=f"{h:.0f}")

    def shape(eid, rc, extra=None):
        s = etree.SubElement(plane, q("bpmndi", "BPMNShape"), id=f"{eid}_di", bpmnElement=eid)
        for k, v in (extra or {}).items():
            s.set(k, v)
        bounds(s, *rc)
        return s
    shape(f"{dg.pid}_participant", (LANE_X, POOL_Y, geo.lane_x1 - LANE_X, geo.pool_bottom - POOL_Y), {"isHorizontal": "true"})
    for lid in dg.lane_order:
        shape(lid, geo.lane_rect(lid), {"isHorizontal": "true"})
    for n in dg.nodes:
        extra = {"isMarkerVisible": "true"} if n["kind"] == "exclusiveGateway" else None
        s = shape(n["id"], geo.rect[n["id"]], extra)
        if n["id"] in labels:
            bounds(etree.SubElement(s, q("bpmndi", "BPMNLabel")), *labels[n["id"]])
    for b in dg.boundaries:
        s = shape(b["id"], geo.rect[b["id"]])
        bounds(etree.SubElement(s, q("bpmndi", "BPMNLabel")), *labels[b["id"]])
    for f in dg.flows:
        e = etree.SubElement(plane, q("bpmndi", "BPMNEdge"), id=f"{f['id']}_di", bpmnElement=f["id"])
        for px, py in routes[f["id"]]:
            etree.SubElement(e, q("di", "waypoint"), x=f"{px:.0f}", y=f"{py:.0f}")
        if f["id"] in labels:
            bounds(etree.SubElement(e, q("bpmndi", "BPMNLabel")), *labels[f["id"]])
