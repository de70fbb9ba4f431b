from xml.sax.saxutils import escape

def table(def_id, name, decision_id, decision_name, inputs, outputs, rules, hit="FIRST", annotations=None):
    """inputs: [(id, label, expr, typeRef)], outputs: [(id, label, name, typeRef)], rules: [([cells], [outs], note)]"""
    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         f'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="{def_id}" name="{escape(name)}" namespace="http://jiahe.example/dmn">',
         f'  <decision id="{decision_id}" name="{escape(decision_name)}">',
         f'    <decisionTable id="{decision_id}_table" hitPolicy="{hit}">']
    for iid, label, expr, typ in inputs:
        x += [f'      <input id="{iid}" label="{escape(label)}">',
              f'        <inputExpression id="{iid}_expr" typeRef="{typ}"><text>{escape(expr)}</text></inputExpression>',
              '      </input>']
    for oid, label, oname, typ in outputs:
        x.append(f'      <output id="{oid}" label="{escape(label)}" name="{oname}" typeRef="{typ}" />')
    for n, (cells, outs, note) in enumerate(rules, 1):
        x.append(f'      <rule id="{decision_id}_rule_{n}">')
        if note:
            x.append(f'        <description>{escape(note)}</description>')
        for i, c in enumerate(cells):
            x.append(f'        <inputEntry id="{decision_id}_r{n}_in{i}"><text>{escape(c)}</text></inputEntry>')
        for i, o in enumerate(outs):
            x.append(f'        <outputEntry id="{decision_id}_r{n}_out{i}"><text>{escape(o)}</text></outputEntry>')
        x.append('      </rule>')
    x += ['    </decisionTable>', '  </decision>', '</definitions>', '']
    return "\n".join(x)
