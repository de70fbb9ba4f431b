import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from dmnkit import table
tri = table("risk_triage_definitions", "风险分级研判", "risk_triage", "风险分级研判",
    [("in_danger", "高危情形数（凶器、扬言杀人、掐颈）", "danger_flags", "integer"),
     ("in_score", "风险分值", "risk_score", "integer"),
     ("in_complexity", "复杂程度", "complexity", "string"),
     ("in_child", "存在虐待儿童", "child_abuse", "boolean"),
     ("in_hint", "转来事项风险提示（热线家暴紧急、和合之家家暴转介）", "risk_hint", "string")],
    [("out_colour", "风险颜色", "risk_colour", "string"), ("out_level", "处置层级", "level", "integer"),
     ("out_handling", "处置层级单位", "handling_level", "string"), ("out_mediation", "可否调解", "mediation_allowed", "boolean")],
    [(["-", "-", "-", "-", '"red"'], ['"red"', "3", '"town"', "False"], "转来时已标明家暴紧急或红色：按红色处置，复筛不降级（反家庭暴力法第13、14条）"),
     (["&gt;= 1".replace("&gt;", ">"), "-", "-", "-", "-"], ['"red"', "3", '"town"', "False"], "任一高危情形：红色，禁止调解，立即联合公安处置"),
     (["-", ">= 6", "-", "-", "-"], ['"red"', "3", '"town"', "False"], "风险分值6分及以上：红色"),
     (["-", ">= 3", '"complex"', "-", "-"], ['"orange"', "3", '"town"', "True"], "橙色且复杂：乡镇调解工作室当日处置"),
     (["-", ">= 3", "-", "-", "-"], ['"orange"', "2", '"village"', "True"], "橙色：村（社区）当日处置"),
     (["-", "-", '"complex"', "True", "-"], ['"orange"', "3", '"town"', "True"], "涉及虐待儿童且复杂：橙色"),
     (["-", "-", "-", "True", "-"], ['"orange"', "2", '"village"', "True"], "涉及虐待儿童：橙色"),
     (["-", ">= 1", '"minor"', "-", "-"], ['"yellow"', "1", '"grid"', "True"], "黄色轻微：网格员现场处置"),
     (["-", ">= 1", '"general"', "-", "-"], ['"yellow"', "2", '"village"', "True"], "黄色一般：村（社区）调解"),
     (["-", ">= 1", "-", "-", "-"], ['"yellow"', "3", '"town"', "True"], "黄色复杂：乡镇调解工作室"),
     (["-", "-", '"minor"', "-", "-"], ['"blue"', "1", '"grid"', "True"], "蓝色轻微：网格员现场调解"),
     (["-", "-", '"general"', "-", "-"], ['"blue"', "2", '"village"', "True"], "蓝色一般：村（社区）调解"),
     (["-", "-", "-", "-", "-"], ['"blue"', "3", '"town"', "True"], "蓝色复杂：乡镇调解工作室")])
open(REPO_ROOT + "/processes/bpmn/risk_triage.dmn", "w", encoding="utf-8").write(tri)
dl = table("response_deadlines_definitions", "处置时限", "response_deadlines", "处置时限（按颜色和层级）",
    [("in_colour", "风险颜色", "risk_colour", "string"), ("in_level", "处置层级", "level", "integer")],
    [("out_accept", "受理时限", "accept_within", "string"), ("out_basis", "受理时限依据", "accept_basis", "string"),
     ("out_visit", "回访间隔", "visit_interval", "string"), ("out_retention", "保管期限（年）", "retention_years", "integer")],
    [(['"red"', "-"], ['"PT1H"', '"红色风险1小时内受理并联合处置（反家庭暴力法第13、14条；本地分级响应规定）"', '"P1M"', "30"], "红色：立即"),
     (['"orange"', "-"], ['"PT8H"', '"橙色风险当日受理（本地分级响应规定）"', '"P1M"', "30"], "橙色：当日"),
     (['"yellow"', "1"], ['"P1D"', '"黄色风险1日内受理，网格员现场处置（本地分级响应规定）"', '"P3M"', "10"], "黄色一级"),
     (['"yellow"', "-"], ['"P2D"', '"黄色风险2日内受理（本地分级响应规定）"', '"P3M"', "10"], "黄色"),
     (['"blue"', "-"], ['"P3D"', '"蓝色风险3日内受理（本地分级响应规定）"', '"P6M"', "10"], "蓝色"),
     (["-", "-"], ['"P3D"', '"3日内受理（本地分级响应规定）"', '"P6M"', "10"], "其他")])
open(REPO_ROOT + "/processes/bpmn/response_deadlines.dmn", "w", encoding="utf-8").write(dl)
print("dmn written")
