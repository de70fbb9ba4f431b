"""法律援助转介（绿色通道）: BPMN + DMN + forms. Run: .venv/bin/python tools/diagrams/legal_aid_referral.py"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from aidpo_common import (F, FEEDBACK_METHODS, ROOT, SATISFACTION, MyDiagram, choice, day, dt, form, longtext,
                          parties, supervisor_reminder, text, when, yes)
from dmnkit import table

PID = "legal_aid_referral"
LANES = [("lane_intake", "受理员"), ("lane_legal", "法律顾问"), ("lane_supervisor", "督办")]
d = MyDiagram(PID, "法律援助转介（绿色通道）", LANES, lane_heights={"lane_legal": 360},
              data_outputs=[("legal_aid", "法律援助转介结果")],
              route_first=["flow_objection_overdue_remind_aid_supervisor", "flow_assign_overdue_remind_aid_supervisor",
                           "flow_decision_overdue_chase_decision"])
MAIN, LOW = -80, 90   # rows inside the legal advisor's lane

ART43_DECISION = "法律援助法第43条：法律援助机构自收到申请之日起7日内审查，作出是否给予法律援助的决定"
ART43_ASSIGN = "法律援助法第43条：决定给予法律援助的，自作出决定之日起3日内指派法律援助人员"
ART49 = "法律援助法第49条：司法行政部门自收到异议之日起5日内审查，作出维持或者责令改正的决定"

PREPARE = '''# 作为调用活动被其他流程（如纠纷调处案件）启动时，启动表单不经校验：缺的数据补缺省值
try:
    parties
except NameError:
    parties = []
try:
    case_no
except NameError:
    case_no = None
try:
    aid_matter
except NameError:
    try:
        aid_matter = summary
    except NameError:
        aid_matter = ""
try:
    dv_victim
except NameError:
    try:
        dv_victim = dispute_type == "domestic_violence"
    except NameError:
        dv_victim = False
applicants = [p for p in parties if isinstance(p, dict) and p.get("role") == "applicant"]
applicant_name = (applicants or parties or [{}])[0].get("name", "")
referral_received_at = iso(now())
# 本流程自己的变量：每次都置初值，不沿用调用方的同名数据
exemption_category = "none"
means_test_required = True
aid_decision = None
objection_filed = False
objection_result = None
lawyer_name = None
law_firm = None
outcome = None
legal_aid = None'''

SET_OUTCOME = '''if aid_decision == "granted":
    outcome = "legal_aid_granted"
elif objection_filed and objection_result == "corrected":
    outcome = "legal_aid_granted_after_objection"
elif objection_filed:
    outcome = "legal_aid_refused_objection_maintained"
else:
    outcome = "legal_aid_refused"'''

CLOSE = '''closed_at = iso(now())
legal_aid = {"outcome": outcome, "decision": aid_decision, "objection_filed": objection_filed,
             "objection_result": objection_result, "means_test_required": means_test_required,
             "lawyer_name": lawyer_name, "law_firm": law_firm, "closed_at": closed_at}'''

# ---------------------------------------------------------------- nodes
d.node("start_referral", "startEvent", "收到法律援助转介", "lane_intake", 0, props=F("legal_aid_referral_intake"))
d.node("prepare_referral", "scriptTask", "整理转介信息", "lane_intake", 1, script=PREPARE)
d.node("accept_referral", "userTask", "受理转介", "lane_legal", 2, dy=MAIN, props={
    **F("legal_aid_accept"), "commitment": "accept", "dueAt": "add_working_days(now(), 1)",
    "deadlineBasis": "法律援助绿色通道：转介后1个工作日内受理并协助申请（本地规定）",
    "auditEvent": "legal_aid_referral_accepted", "auditEventData": '{"dv_victim": dv_victim, "exemption": exemption_category}'},
    instructions="申请人：{{ applicant_name }}。核实是否属于家庭暴力受害人（法律援助法第32条第4项：不受经济困难条件限制）及第42条免予核查情形。")
d.node("means_test_rule", "businessRuleTask", "经济困难审查判定", "lane_legal", 3, dy=MAIN, decision="legal_aid_referral_means_test",
       props={"auditEvent": "means_test_decided", "auditEventData": '{"required": means_test_required, "basis": means_test_basis}'})
d.node("gw_means", "exclusiveGateway", "是否需经济困难审查", "lane_legal", 4, dy=MAIN, default="flow_gw_means_gw_means_join")
d.node("means_declaration", "userTask", "协助填报经济困难状况说明", "lane_legal", 5, dy=LOW, props={
    **F("legal_aid_means_declaration"), "dueAt": '"P2D"',
    "deadlineBasis": "法律援助法第41条：申请人如实说明经济困难状况；2日内协助填报（本地规定）"})
d.node("gw_means_join", "exclusiveGateway", "材料齐备", "lane_legal", 6, dy=MAIN)
d.node("submit_application", "userTask", "向法律援助机构递交申请", "lane_legal", 7, dy=MAIN, props={
    **F("legal_aid_submission"), "dueAt": "add_working_days(now(), 1)",
    "deadlineBasis": "法律援助绿色通道：受理后1个工作日内递交法律援助机构（本地规定）",
    "auditEvent": "legal_aid_applied", "auditEventData": '{"centre": legal_aid_centre}',
    "documents": "legal_aid_referral_letter"})
d.node("record_decision", "userTask", "登记法律援助机构审查决定", "lane_legal", 8, dy=MAIN, props={
    **F("legal_aid_decision"), "dueAt": '"P7D"', "deadlineBasis": ART43_DECISION,
    "auditEvent": "legal_aid_decided", "auditEventData": '{"decision": aid_decision, "after_chase": False}'})
d.node("chase_decision", "userTask", "督办催办并登记审查决定", "lane_supervisor", 9, props={
    **F("legal_aid_chase"), "dueAt": '"P1D"',
    "deadlineBasis": "法律援助法第43条（7日内决定）已逾期：督办1日内催办法律援助机构（本地规定）",
    "auditEvent": "legal_aid_decided", "auditEventData": '{"decision": aid_decision, "after_chase": True}'})
d.node("gw_decision_in", "exclusiveGateway", "决定已登记", "lane_legal", 9, dy=MAIN)
d.node("gw_decision", "exclusiveGateway", "是否给予法律援助", "lane_legal", 10, dy=MAIN, default="flow_gw_decision_notify_refusal")
d.node("notify_refusal", "userTask", "告知不予援助决定及异议权利", "lane_legal", 11, dy=LOW, props={
    **F("legal_aid_refusal_notice"), "dueAt": '"P1D"',
    "deadlineBasis": "法律援助法第43条（不予援助应书面告知并说明理由）、第49条（可向司法行政部门提出异议）；1日内告知（本地规定）",
    "auditEvent": "legal_aid_refusal_notified", "auditEventData": '{"objection_filed": objection_filed}'})
d.node("gw_objection", "exclusiveGateway", "是否提出异议", "lane_legal", 12, dy=LOW, default="flow_gw_objection_gw_refused")
d.node("objection_decision", "userTask", "登记异议审查决定", "lane_legal", 13, dy=LOW, props={
    **F("legal_aid_objection_decision"), "dueAt": '"P5D"', "deadlineBasis": ART49,
    "auditEvent": "objection_decided", "auditEventData": '{"result": objection_result}'})
d.node("gw_objection_result", "exclusiveGateway", "异议审查结果", "lane_legal", 14, dy=LOW, default="flow_gw_objection_result_gw_refused")
d.node("gw_assign", "exclusiveGateway", "给予援助", "lane_legal", 15, dy=MAIN)
d.node("gw_refused", "exclusiveGateway", "不予援助", "lane_legal", 15, dy=LOW)
d.node("assign_lawyer", "userTask", "登记指派法律援助人员", "lane_legal", 16, dy=MAIN, props={
    **F("legal_aid_assignment"), "dueAt": '"P3D"', "deadlineBasis": ART43_ASSIGN,
    "auditEvent": "lawyer_assigned", "auditEventData": '{"law_firm": law_firm}'})
d.node("gw_result", "exclusiveGateway", "结果汇总", "lane_legal", 17, dy=MAIN)
d.node("remind_aid_supervisor", "userTask", "督办提醒", "lane_supervisor", 17, props={
    **F("legal_aid_supervisor_reminder"), "dueAt": '"P1D"', "deadlineBasis": "督办：法定期限届满时提醒（本地规定）"})
d.node("end_aid_reminded", "endEvent", "督办完毕", "lane_supervisor", 18)
d.node("set_aid_outcome", "scriptTask", "判定援助结果", "lane_intake", 18, script=SET_OUTCOME)
d.node("record_aid_outcome", "userTask", "记录援助结果", "lane_intake", 19, props={
    **F("legal_aid_outcome"), "commitment": "outcome"})
d.node("feedback_to_applicant", "userTask", "结果告知申请人", "lane_intake", 20, props={
    **F("legal_aid_feedback"), "commitment": "feedback", "dueAt": "add_working_days(now(), 2)",
    "deadlineBasis": "办结后2个工作日内告知申请人（本地规定，有果必公）；维持不予援助的，告知可依法申请行政复议或提起行政诉讼（法律援助法第49条）"})
d.node("close_referral", "scriptTask", "办结归档", "lane_intake", 21, script=CLOSE, props={
    "auditEvent": "case_closed", "auditEventData": '{"outcome": outcome}'})
d.node("end_referral", "endEvent", "办结", "lane_intake", 22)

d.boundary("decision_overdue", "record_decision", "7日未决定", '"P7D"', props={
    "auditEvent": "deadline_missed", "auditEventData": '{"step": "legal_aid_decision", "days": 7}'})
d.boundary("objection_overdue", "objection_decision", "异议5日未决", '"P5D"', cancel=False, props={
    "auditEvent": "supervisor_warned", "auditEventData": '{"step": "objection_decision", "days": 5}'})
d.boundary("assign_overdue", "assign_lawyer", "3日未指派", '"P3D"', cancel=False, props={
    "auditEvent": "supervisor_warned", "auditEventData": '{"step": "assign_lawyer", "days": 3}'})

# ---------------------------------------------------------------- flows
for a, b in [("start_referral", "prepare_referral"), ("prepare_referral", "accept_referral"), ("accept_referral", "means_test_rule"),
             ("means_test_rule", "gw_means"), ("means_declaration", "gw_means_join"), ("gw_means_join", "submit_application"),
             ("submit_application", "record_decision"), ("record_decision", "gw_decision_in"),
             ("decision_overdue", "chase_decision"), ("chase_decision", "gw_decision_in"), ("gw_decision_in", "gw_decision"),
             ("notify_refusal", "gw_objection"), ("objection_decision", "gw_objection_result"),
             ("gw_assign", "assign_lawyer"), ("assign_lawyer", "gw_result"), ("gw_refused", "gw_result"),
             ("gw_result", "set_aid_outcome"), ("set_aid_outcome", "record_aid_outcome"), ("record_aid_outcome", "feedback_to_applicant"),
             ("feedback_to_applicant", "close_referral"), ("close_referral", "end_referral"),
             ("objection_overdue", "remind_aid_supervisor"), ("assign_overdue", "remind_aid_supervisor"),
             ("remind_aid_supervisor", "end_aid_reminded")]:
    d.flow(a, b)
d.flow("gw_means", "means_declaration", "需要审查", "means_test_required")
d.flow("gw_means", "gw_means_join", "免予审查")
d.flow("gw_decision", "gw_assign", "给予援助", 'aid_decision == "granted"')
d.flow("gw_decision", "notify_refusal", "不予援助")
d.flow("gw_objection", "objection_decision", "提出异议", "objection_filed")
d.flow("gw_objection", "gw_refused", "未提异议")
d.flow("gw_objection_result", "gw_assign", "责令改正", 'objection_result == "corrected"')
d.flow("gw_objection_result", "gw_refused", "维持决定")

open(f"{ROOT}/processes/bpmn/{PID}.bpmn", "wb").write(d.to_xml())
print("crossings:", sorted(set(tuple(sorted(c)) for c in d.crossings)))

# ---------------------------------------------------------------- DMN: who is exempt from the means test
A32 = "法律援助法第32条：{}，不受经济困难条件的限制"
A42 = "法律援助法第42条：{}，免予核查经济困难状况"
dmn = table(f"{PID}_means_test_definitions", "经济困难审查判定", f"{PID}_means_test", "经济困难审查判定",
    [("in_dv", "家庭暴力受害人", "dv_victim", "boolean"), ("in_exemption", "免审情形", "exemption_category", "string")],
    [("out_required", "需经济困难审查", "means_test_required", "boolean"), ("out_basis", "依据", "means_test_basis", "string")],
    [(["True", "-"], ["False", '"' + A32.format("第4项：遭受虐待、遗弃或者家庭暴力的受害人主张相关权益") + '"'], "家暴受害人：免予经济困难审查"),
     (["-", '"abuse_or_abandonment"'], ["False", '"' + A32.format("第4项：遭受虐待、遗弃或者家庭暴力的受害人主张相关权益") + '"'], "虐待、遗弃受害人"),
     (["-", '"hero_martyr_relative"'], ["False", '"' + A32.format("第1项：英雄烈士近亲属为维护英雄烈士的人格权益") + '"'], "英烈近亲属"),
     (["-", '"good_samaritan"'], ["False", '"' + A32.format("第2项：因见义勇为行为主张相关民事权益") + '"'], "见义勇为"),
     (["-", '"special_group"'], ["False", '"' + A42.format("第1项：无固定生活来源的未成年人、老年人、残疾人等特定群体") + '"'], "特定群体"),
     (["-", '"social_assistance"'], ["False", '"' + A42.format("第2项：社会救助、司法救助或者优抚对象") + '"'], "救助、优抚对象"),
     (["-", '"migrant_worker"'], ["False", '"' + A42.format("第3项：申请支付劳动报酬或者请求工伤事故人身损害赔偿的进城务工人员") + '"'], "进城务工人员"),
     (["-", "-"], ["True", '"法律援助法第34条、第41条：经济困难标准由省级人民政府确定，申请人如实说明经济困难状况"'], "其他：需经济困难审查")])
open(f"{ROOT}/processes/bpmn/{PID}_means_test.dmn", "w", encoding="utf-8").write(dmn)

# ---------------------------------------------------------------- forms
AID_TYPES = [("civil_agency", "民事案件代理"), ("admin_agency", "行政案件代理"), ("criminal_victim", "刑事案件被害人代理"),
             ("non_litigation", "非诉讼事项代理"), ("consultation", "法律咨询、代拟法律文书")]
EXEMPTIONS = [("none", "无"), ("abuse_or_abandonment", "遭受虐待、遗弃的受害人（第32条第4项）"),
              ("hero_martyr_relative", "英雄烈士近亲属（第32条第1项）"), ("good_samaritan", "见义勇为（第32条第2项）"),
              ("special_group", "无固定生活来源的未成年人、老年人、残疾人等（第42条第1项）"),
              ("social_assistance", "社会救助、司法救助或者优抚对象（第42条第2项）"),
              ("migrant_worker", "讨薪、工伤赔偿的进城务工人员（第42条第3项）")]
SOURCES = [("dispute_case", "纠纷调处案件转介"), ("protection_order", "保护令协助案件转介"), ("hotline_12338", "12338热线"),
           ("visit", "来访"), ("police", "公安机关"), ("court", "人民法院"), ("other", "其他")]
OUTCOMES = [("legal_aid_granted", "给予法律援助，已指派律师"), ("legal_aid_granted_after_objection", "异议成立，责令改正后给予法律援助"),
            ("legal_aid_refused", "不予法律援助（未提异议）"), ("legal_aid_refused_objection_maintained", "异议审查维持不予援助决定")]
DECISIONS = [("granted", "给予法律援助"), ("refused", "不予法律援助")]

form("legal_aid_referral_intake", "法律援助转介登记", {
    "case_no": text("来源案件编号", maxLength=40, description="由纠纷调处等案件转介时填写；直接来访可不填"),
    "referral_source": choice("转介来源", SOURCES),
    "received_at": dt("收到转介时间"),
    "parties": parties(),
    "aid_matter": longtext("申请援助事项", minLength=5),
    "dispute_type": choice("纠纷类型", [("domestic_violence", "家庭暴力"), ("divorce", "离婚纠纷"), ("custody", "子女抚养、探望"),
                                   ("support", "赡养、扶养纠纷"), ("property", "家庭财产纠纷"), ("inheritance", "继承纠纷"), ("other", "其他")]),
    "dv_victim": yes("申请人系家庭暴力受害人")},
    ["parties", "aid_matter", "dv_victim"],
    description="有来必受：纠纷调处、保护令协助、12338热线、来访等转介的法律援助需求一律登记。家庭暴力受害人申请法律援助不受经济困难条件限制（法律援助法第32条第4项）。")

form("legal_aid_accept", "受理转介", {
    "dv_victim": yes("申请人系家庭暴力受害人"),
    "dv_evidence": longtext("家庭暴力证明材料", description="告诫书、人身安全保护令、报警回执、伤情鉴定、妇联来访记录等"),
    "exemption_category": choice("其他免审情形", EXEMPTIONS, default="none"),
    "aid_type": choice("援助形式", AID_TYPES),
    "aid_matter": longtext("援助事项", minLength=5),
    "accept_note": longtext("受理说明")},
    ["dv_victim", "exemption_category", "aid_type", "aid_matter"],
    description="有来必受、有受必理：1个工作日内受理并协助申请。",
    extra={"allOf": [when("dv_victim", True, ["dv_evidence"])]})

form("legal_aid_means_declaration", "协助填报经济困难状况说明", {
    "household_size": {"type": "integer", "title": "家庭人口数", "minimum": 1, "maximum": 30},
    "monthly_income_per_capita": {"type": "number", "title": "家庭人均月收入（元）", "minimum": 0},
    "assets_note": longtext("家庭财产状况"),
    "declaration_signed": {"type": "boolean", "const": True, "title": "申请人已签署经济困难状况说明（个人诚信承诺）"},
    "declared_at": dt("填报时间")},
    ["household_size", "monthly_income_per_capita", "declaration_signed", "declared_at"],
    description="法律援助法第41条：申请人如实说明经济困难状况，法律援助机构核查；经济困难标准由省级人民政府确定（第34条）。")

form("legal_aid_submission", "向法律援助机构递交申请", {
    "legal_aid_centre": text("法律援助机构", maxLength=100),
    "submitted_at": dt("递交时间"),
    "application_no": text("申请登记号", maxLength=50),
    "materials_complete": yes("申请材料齐全", description="材料不齐全的，法律援助机构应一次性告知需补充的材料（第43条）")},
    ["legal_aid_centre", "submitted_at", "materials_complete"],
    description="法律援助机构自收到申请之日起7日内作出决定（法律援助法第43条）。")

DECISION_FIELDS = {
    "aid_decision": choice("审查决定", DECISIONS),
    "decided_at": dt("决定时间"),
    "decision_no": text("决定书编号", maxLength=50),
    "refusal_reason": longtext("不予援助理由")}
form("legal_aid_decision", "登记法律援助机构审查决定", DECISION_FIELDS, ["aid_decision", "decided_at"],
     description=ART43_DECISION + "；决定不予援助的，应当书面告知申请人并说明理由。",
     extra={"allOf": [when("aid_decision", "refused", ["refusal_reason"])]})

form("legal_aid_chase", "督办催办并登记审查决定", {
    "chased_at": dt("催办时间"),
    "chase_method": choice("催办方式", [("phone", "电话"), ("letter", "督办函"), ("visit", "上门")]),
    "centre_reply": longtext("法律援助机构答复"),
    **DECISION_FIELDS},
    ["chased_at", "chase_method", "aid_decision", "decided_at"],
    description="7日内未收到审查决定（法律援助法第43条）：督办催办，取得决定后登记。",
    extra={"allOf": [when("aid_decision", "refused", ["refusal_reason"])]})

form("legal_aid_refusal_notice", "告知不予援助决定及异议权利", {
    "told_at": dt("告知时间"),
    "method": choice("告知方式", FEEDBACK_METHODS),
    "written_notice_received": yes("申请人已收到书面决定"),
    "objection_filed": yes("申请人提出异议"),
    "objection_authority": text("受理异议的司法行政部门", maxLength=100),
    "objection_filed_at": dt("提出异议时间")},
    ["told_at", "method", "objection_filed"],
    description="法律援助法第49条：对不予法律援助的决定有异议的，可以向设立该法律援助机构的司法行政部门提出。",
    extra={"allOf": [when("objection_filed", True, ["objection_authority", "objection_filed_at"])]})

form("legal_aid_objection_decision", "登记异议审查决定", {
    "objection_result": choice("审查结果", [("corrected", "责令法律援助机构改正（给予援助）"), ("maintained", "维持不予援助决定")]),
    "objection_decided_at": dt("决定时间"),
    "objection_decision_no": text("决定书编号", maxLength=50),
    "objection_note": longtext("说明")},
    ["objection_result", "objection_decided_at"],
    description=ART49 + "；维持决定的，申请人可以依法申请行政复议或者提起行政诉讼。")

form("legal_aid_assignment", "登记指派法律援助人员", {
    "lawyer_name": text("法律援助人员", maxLength=50),
    "law_firm": text("所在律师事务所/法律援助机构", maxLength=100),
    "assigned_at": dt("指派时间"),
    "lawyer_contact": text("工作联系电话", maxLength=30)},
    ["lawyer_name", "law_firm", "assigned_at"],
    description=ART43_ASSIGN + "。")

supervisor_reminder("legal_aid_supervisor_reminder", "督办提醒",
                    "法定期限届满（异议审查5日、指派3日）仍未办结：督办跟进。")

form("legal_aid_outcome", "记录援助结果", {
    "outcome": choice("援助结果", OUTCOMES, readOnly=True, description="由流程按审查、异议决定自动判定"),
    "outcome_summary": longtext("结果说明", minLength=5)},
    ["outcome_summary"],
    description="有理必果：每一件受理的转介都记录结果。")

form("legal_aid_feedback", "结果告知申请人", {
    "method": choice("告知方式", FEEDBACK_METHODS),
    "fed_back_at": dt("告知时间"),
    "party_satisfaction": choice("申请人满意度", SATISFACTION),
    "remedies_explained": yes("已告知后续救济途径（维持不予援助的，可申请行政复议或提起行政诉讼）"),
    "notes": longtext("告知情况")},
    ["method", "fed_back_at", "party_satisfaction"],
    description="有果必公：结果告知申请人，记录方式、时间和满意度，并纳入公开统计。")
print("legal_aid_referral written")
