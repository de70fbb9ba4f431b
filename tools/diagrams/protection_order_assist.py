"""人身安全保护令协助: BPMN + forms. Run: .venv/bin/python tools/diagrams/protection_order_assist.py"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from aidpo_common import (F, FEEDBACK_METHODS, ROOT, SATISFACTION, MyDiagram, choice, choices, day, dt, form,
                          longtext, parties, sensitive, text, when, yes)

PID = "protection_order_assist"
LANES = [("lane_intake", "受理员"), ("lane_legal", "法律顾问"), ("lane_rights", "维权干部"), ("lane_grid", "网格员"),
         ("lane_supervisor", "督办")]
d = MyDiagram(PID, "人身安全保护令协助", LANES, lane_heights={"lane_intake": 260, "lane_legal": 340},
              data_outputs=[("protection_order", "人身安全保护令协助结果")], time_dates=["expiry_reminder"],
              route_first=["flow_ruling_overdue_chase_court", "flow_gw_ruling_serve_split"])
MAIN, LOW = -70, 90
TOP, BOTTOM = -40, 70   # rows inside the intake lane

ART28 = "反家庭暴力法第28条：人民法院受理申请后，应当在72小时内作出人身安全保护令或者驳回申请；情况紧急的，应当在24小时内作出"
ART32 = "反家庭暴力法第32条：人身安全保护令送达申请人、被申请人、公安机关以及居民委员会、村民委员会等有关组织；1日内确认协助执行（本地规定）"

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
    summary
except NameError:
    summary = ""
applicants = [p for p in parties if isinstance(p, dict) and p.get("role") == "applicant"]
applicant_name = (applicants or parties or [{}])[0].get("name", "")
request_received_at = iso(now())
# 本流程自己的变量：每次都置初值，不沿用调用方的同名数据
applied_by = None
urgent = False
court = None
ruling = None
valid_until = None
wants_legal_aid = False
legal_aid = None
apply_extension = False
extension_granted = False
new_valid_until = None
order_expires_at = None
outcome = None
protection_order = None'''

SET_RULING_DUE = '''ruling_due = "PT24H" if urgent else "PT72H"
if urgent:
    ruling_basis = "反家庭暴力法第28条：情况紧急的，人民法院应当在24小时内作出人身安全保护令"
else:
    ruling_basis = "反家庭暴力法第28条：人民法院受理申请后，应当在72小时内作出人身安全保护令或者驳回申请"'''

SET_OUTCOME = 'outcome = "protection_order_granted" if ruling == "granted" else "protection_order_refused"'

SET_REMINDER = '''# 有效期至 valid_until 当日结束；到期前30日提醒（不早于现在）
expires = parse_datetime(valid_until) + timedelta(days=1)
reminder = expires - timedelta(days=30)
if reminder < now():
    reminder = now() + timedelta(hours=1)
order_expires_at = iso(expires)
expiry_reminder_at = iso(reminder)'''

CLOSE = '''closed_at = iso(now())
protection_order = {"outcome": outcome, "ruling": ruling, "urgent": urgent, "court": court,
                    "valid_until": new_valid_until if extension_granted else valid_until,
                    "extension_requested": apply_extension, "extension_granted": extension_granted,
                    "legal_aid": legal_aid, "closed_at": closed_at}'''

# ---------------------------------------------------------------- nodes
d.node("start_request", "startEvent", "收到保护令求助", "lane_intake", 0, dy=TOP, props=F("protection_order_request"))
d.node("prepare_request", "scriptTask", "整理求助信息", "lane_intake", 1, dy=TOP, script=PREPARE)
d.node("accept_request", "userTask", "受理求助并评估申请方式", "lane_legal", 2, dy=MAIN, props={
    **F("protection_order_assess"), "commitment": "accept", "dueAt": '"PT24H"',
    "deadlineBasis": "家庭暴力求助24小时内受理并评估（本地规定）；反家庭暴力法第23条：受害人因受强制、威吓等原因无法申请的，妇联可以代为申请",
    "auditEvent": "protection_order_requested", "auditEventData": '{"applied_by": applied_by, "urgent": urgent}'},
    instructions="求助人：{{ applicant_name }}。评估是否情况紧急（24小时内裁定），以及由本人申请还是妇联代为申请（反家庭暴力法第23条）。")
d.node("file_application", "userTask", "协助向法院提交申请", "lane_legal", 3, dy=MAIN, props={
    **F("protection_order_filing"), "dueAt": '"PT12H" if urgent else "P1D"',
    "deadlineBasis": "紧急情况12小时内、其他1日内协助向人民法院提交申请（本地规定）；管辖：申请人或被申请人居住地、家庭暴力发生地的基层人民法院（反家庭暴力法第25条）",
    "auditEvent": "protection_order_filed", "auditEventData": '{"court": court, "urgent": urgent}',
    "documents": "protection_order_application"})
d.node("set_ruling_due", "scriptTask", "计算裁定时限", "lane_legal", 4, dy=MAIN, script=SET_RULING_DUE)
d.node("record_ruling", "userTask", "登记法院裁定", "lane_legal", 5, dy=MAIN, props={
    **F("protection_order_ruling"), "dueAt": "ruling_due", "deadlineBasisExpression": "ruling_basis",
    "auditEvent": "protection_order_ruled", "auditEventData": '{"ruling": ruling}'})
d.node("chase_court", "userTask", "督办催问法院裁定", "lane_supervisor", 6, props={
    **F("protection_order_court_chase"), "dueAt": '"PT4H"',
    "deadlineBasis": "法院裁定逾期（反家庭暴力法第28条）：督办4小时内联系法院（本地规定）",
    "auditEvent": "court_chased"})
d.node("end_chased", "endEvent", "催问完毕", "lane_supervisor", 7)
d.node("gw_ruling", "exclusiveGateway", "法院裁定", "lane_legal", 6, dy=MAIN, default="flow_gw_ruling_offer_legal_aid")
d.node("serve_split", "parallelGateway", "送达协助执行", "lane_rights", 6)
d.node("notify_police", "userTask", "送交公安机关协助执行", "lane_rights", 7, props={
    **F("protection_order_police"), "dueAt": '"P1D"', "deadlineBasis": ART32,
    "auditEvent": "order_served", "auditEventData": '{"to": "police"}'})
d.node("notify_committee", "userTask", "送交居（村）民委员会协助执行", "lane_grid", 7, props={
    **F("protection_order_committee"), "dueAt": '"P1D"', "deadlineBasis": ART32,
    "auditEvent": "order_served", "auditEventData": '{"to": "residents_committee"}'})
d.node("serve_join", "parallelGateway", "送达完成", "lane_rights", 8)
d.node("offer_legal_aid", "userTask", "告知驳回裁定并提供法律援助", "lane_legal", 7, dy=LOW,
       post_script='dv_victim = True\nreferral_source = "protection_order"', props={
    **F("protection_order_refused"), "dueAt": '"P1D"',
    "deadlineBasis": "反家庭暴力法第31条：对驳回申请不服的，可自裁定生效之日起5日内申请复议一次；1日内告知并提供法律援助（本地规定）",
    "auditEvent": "legal_aid_offered", "auditEventData": '{"wants_legal_aid": wants_legal_aid}'})
d.node("gw_wants_aid", "exclusiveGateway", "是否申请法律援助", "lane_legal", 8, dy=LOW, default="flow_gw_wants_aid_gw_outcome_in")
d.node("call_legal_aid", "callActivity", "转介法律援助", "lane_legal", 9, dy=LOW, called="legal_aid_referral")
d.node("gw_outcome_in", "exclusiveGateway", "裁定处置完毕", "lane_legal", 10, dy=LOW)
d.node("set_order_outcome", "scriptTask", "判定协助结果", "lane_intake", 11, dy=TOP, script=SET_OUTCOME)
d.node("record_order_outcome", "userTask", "记录协助结果", "lane_intake", 12, dy=TOP, props={
    **F("protection_order_outcome"), "commitment": "outcome"})
d.node("feedback_to_victim", "userTask", "结果告知受害人", "lane_intake", 13, dy=TOP, props={
    **F("protection_order_feedback"), "commitment": "feedback", "dueAt": '"P1D"',
    "deadlineBasis": "裁定结果1日内告知受害人（本地规定，有果必公）"})
d.node("gw_in_force", "exclusiveGateway", "保护令是否生效", "lane_intake", 14, dy=TOP, default="flow_gw_in_force_gw_close")
d.node("set_reminder", "scriptTask", "计算到期提醒时间", "lane_legal", 15, dy=MAIN, script=SET_REMINDER)
d.node("expiry_reminder", "intermediateCatchEvent", "到期前30日", "lane_legal", 16, dy=MAIN, timer="expiry_reminder_at",
       props={"auditEvent": "expiry_reminder", "auditEventData": '{"expires_at": order_expires_at}'})
d.node("review_extension", "userTask", "评估是否申请延长保护令", "lane_legal", 17, dy=MAIN, props={
    **F("protection_order_expiry_review"), "dueAt": '"P7D"',
    "deadlineBasis": "反家庭暴力法第30条：人身安全保护令有效期不超过六个月，失效前可申请延长；到期前30日提醒，7日内征求受害人意见（本地规定）",
    "auditEvent": "extension_reviewed", "auditEventData": '{"apply": apply_extension}'})
d.node("gw_extend", "exclusiveGateway", "是否申请延长", "lane_legal", 18, dy=MAIN, default="flow_gw_extend_gw_extension_done")
d.node("apply_extension", "userTask", "协助申请延长保护令", "lane_legal", 19, dy=MAIN, props={
    **F("protection_order_extension_filing"), "dueAt": "order_expires_at",
    "deadlineBasis": "反家庭暴力法第30条：人身安全保护令失效前，人民法院可以根据申请人的申请延长"})
d.node("record_extension", "userTask", "登记延长裁定", "lane_legal", 20, dy=MAIN, props={
    **F("protection_order_extension_ruling"), "dueAt": '"P3D"',
    "deadlineBasis": "反家庭暴力法第30条（失效前可申请延长）；法律未规定延长申请的裁定期限，3日内跟进登记（本地规定）",
    "auditEvent": "extension_ruled", "auditEventData": '{"granted": extension_granted}'})
d.node("notify_extension", "userTask", "延长结果告知受害人", "lane_intake", 21, dy=BOTTOM, props={
    **F("protection_order_feedback"), "commitment": "feedback", "dueAt": '"P1D"',
    "deadlineBasis": "延长裁定1日内告知受害人（本地规定，有果必公）"})
d.node("gw_extension_done", "exclusiveGateway", "延长事项办结", "lane_intake", 22, dy=BOTTOM)
d.node("gw_close", "exclusiveGateway", "办结", "lane_intake", 23, dy=TOP)
d.node("close_request", "scriptTask", "办结归档", "lane_intake", 24, dy=TOP, script=CLOSE, props={
    "auditEvent": "case_closed", "auditEventData": '{"outcome": outcome, "extended": extension_granted}'})
d.node("end_request", "endEvent", "结案", "lane_intake", 25, dy=TOP)

d.boundary("ruling_overdue", "record_ruling", "裁定逾期", "ruling_due", cancel=False, props={
    "auditEvent": "deadline_missed", "auditEventData": '{"step": "protection_order_ruling", "due": ruling_due}'})

# ---------------------------------------------------------------- flows
for a, b in [("start_request", "prepare_request"), ("prepare_request", "accept_request"), ("accept_request", "file_application"),
             ("file_application", "set_ruling_due"), ("set_ruling_due", "record_ruling"), ("record_ruling", "gw_ruling"),
             ("ruling_overdue", "chase_court"), ("chase_court", "end_chased"),
             ("serve_split", "notify_police"), ("serve_split", "notify_committee"),
             ("notify_police", "serve_join"), ("notify_committee", "serve_join"), ("serve_join", "gw_outcome_in"),
             ("offer_legal_aid", "gw_wants_aid"), ("call_legal_aid", "gw_outcome_in"),
             ("gw_outcome_in", "set_order_outcome"), ("set_order_outcome", "record_order_outcome"), ("record_order_outcome", "feedback_to_victim"),
             ("feedback_to_victim", "gw_in_force"), ("set_reminder", "expiry_reminder"),
             ("expiry_reminder", "review_extension"), ("review_extension", "gw_extend"),
             ("apply_extension", "record_extension"), ("record_extension", "notify_extension"),
             ("notify_extension", "gw_extension_done"), ("gw_extension_done", "gw_close"), ("gw_close", "close_request"), ("close_request", "end_request")]:
    d.flow(a, b)
d.flow("gw_ruling", "serve_split", "作出保护令", 'ruling == "granted"')
d.flow("gw_ruling", "offer_legal_aid", "驳回申请")
d.flow("gw_wants_aid", "call_legal_aid", "申请援助", "wants_legal_aid")
d.flow("gw_wants_aid", "gw_outcome_in", "暂不申请")
d.flow("gw_in_force", "set_reminder", "保护令生效", 'ruling == "granted"')
d.flow("gw_in_force", "gw_close", "已驳回")
d.flow("gw_extend", "apply_extension", "申请延长", "apply_extension")
d.flow("gw_extend", "gw_extension_done", "不再延长")

open(f"{ROOT}/processes/bpmn/{PID}.bpmn", "wb").write(d.to_xml())
print("crossings:", sorted(set(tuple(sorted(c)) for c in d.crossings)))

# ---------------------------------------------------------------- forms
SOURCES = [("dispute_case", "纠纷调处案件"), ("hotline_12338", "12338热线"), ("visit", "来访"), ("police", "公安机关转介"),
           ("grid_screening", "网格排查"), ("other", "其他")]
VIOLENCE = [("beating", "殴打、捆绑、残害"), ("restraint", "限制人身自由"), ("verbal", "经常性谩骂、恐吓"),
            ("other", "其他侵害行为")]
MEASURES = [("no_violence", "禁止被申请人实施家庭暴力"), ("no_contact", "禁止被申请人骚扰、跟踪、接触申请人及其相关近亲属"),
            ("move_out", "责令被申请人迁出申请人住所"), ("other", "保护申请人人身安全的其他措施")]
APPLIED_BY = [("victim", "受害人本人申请（妇联协助）"), ("federation_on_behalf", "妇联代为申请"), ("close_relative", "近亲属代为申请"),
              ("police", "公安机关代为申请"), ("residents_committee", "居（村）民委员会代为申请")]
OUTCOMES = [("protection_order_granted", "法院作出人身安全保护令，已送达协助执行"),
            ("protection_order_refused", "法院驳回申请，已告知并提供法律援助")]
VICTIM_ONLY = "仅承办人可见，不得写入被申请人可见的任何文书"

form("protection_order_request", "人身安全保护令求助登记", {
    "case_no": text("来源案件编号", maxLength=40, description="由纠纷调处等案件转来时填写；直接求助可不填"),
    "referral_source": choice("求助来源", SOURCES),
    "received_at": dt("求助时间"),
    "parties": parties(),
    "summary": longtext("家庭暴力事实摘要", minLength=5),
    "violence_forms": choices("家庭暴力形式（反家庭暴力法第2条）", VIOLENCE),
    "latest_incident_at": dt("最近一次发生时间"),
    "children_involved": {"type": "integer", "title": "涉及未成年子女人数", "minimum": 0, "maximum": 20},
    "victim_safe_now": yes("受害人当前是否安全")},
    ["parties", "summary", "victim_safe_now"],
    description="有来必受：遭受家庭暴力或面临家庭暴力现实危险的求助一律登记。求助记录可作为申请人身安全保护令的证据（最高法2022年规定第6条），须如实、及时记录。")

form("protection_order_assess", "受理求助并评估申请方式", {
    "applied_by": choice("申请方式", APPLIED_BY),
    "behalf_reason": choice("代为申请的原因（反家庭暴力法第23条）", [
        ("no_capacity", "受害人为无民事行为能力人或限制民事行为能力人"), ("coerced", "受害人因受到强制、威吓等原因无法申请")]),
    "urgent": yes("情况紧急（法院24小时内裁定）"),
    "urgent_reason": longtext("紧急情形说明"),
    "requested_measures": choices("申请的保护措施（反家庭暴力法第29条）", MEASURES, minItems=1),
    "court": text("管辖法院", maxLength=100, description="申请人或被申请人居住地、家庭暴力发生地的基层人民法院（第25条）"),
    "evidence": longtext("证据材料", description="告诫书、报警回执、伤情照片、就诊记录、妇联求助记录等"),
    "safe_contact": sensitive(text("受害人安全联系方式", maxLength=50), VICTIM_ONLY),
    "current_shelter": sensitive(text("受害人当前安置地点", maxLength=200), "庇护场所位置严格保密；" + VICTIM_ONLY)},
    ["applied_by", "urgent", "requested_measures", "court"],
    description="有来必受、有受必理：24小时内受理并评估。受害人因受强制、威吓等原因无法申请的，妇联可以代为申请（反家庭暴力法第23条）。",
    extra={"allOf": [{"if": {"properties": {"applied_by": {"const": "victim"}}}, "else": {"required": ["behalf_reason"]}},
                     when("urgent", True, ["urgent_reason"])]})

form("protection_order_filing", "协助向法院提交申请", {
    "court": text("受理法院", maxLength=100),
    "filed_at": dt("提交时间"),
    "filing_no": text("案号/收案登记号", maxLength=50),
    "filed_by": text("经办人", maxLength=50),
    "materials": longtext("提交材料清单")},
    ["court", "filed_at"],
    description=ART28 + "。")

form("protection_order_ruling", "登记法院裁定", {
    "ruling": choice("裁定结果", [("granted", "作出人身安全保护令"), ("refused", "驳回申请")]),
    "ruled_at": dt("裁定时间"),
    "ruling_no": text("裁定书编号", maxLength=50),
    "measures_granted": choices("保护令措施", MEASURES),
    "valid_until": day("有效期至", description="有效期不超过六个月，自作出之日起生效（反家庭暴力法第30条）"),
    "refusal_reason": longtext("驳回理由")},
    ["ruling", "ruled_at"],
    description=ART28 + "。",
    extra={"allOf": [when("ruling", "granted", ["measures_granted", "valid_until"]),
                     when("ruling", "refused", ["refusal_reason"])]})

form("protection_order_court_chase", "督办催问法院裁定", {
    "chased_at": dt("催问时间"),
    "court_contact": text("法院联系人", maxLength=50),
    "court_reply": longtext("法院答复"),
    "expected_ruling_at": dt("预计裁定时间")},
    ["chased_at", "court_reply"],
    description=ART28 + "；逾期未裁定的，督办联系法院催问。")

form("protection_order_police", "送交公安机关协助执行", {
    "police_station": text("公安派出所", maxLength=100),
    "delivered_at": dt("送交/确认时间"),
    "officer": text("接收民警", maxLength=50),
    "enforcement_notes": longtext("协助执行安排")},
    ["police_station", "delivered_at"],
    description="反家庭暴力法第32条：人民法院作出人身安全保护令后送达公安机关；公安机关协助执行。被申请人违反保护令的，依法追究责任（第34条）。")

form("protection_order_committee", "送交居（村）民委员会协助执行", {
    "committee_name": text("居（村）民委员会", maxLength=100),
    "delivered_at": dt("送交/确认时间"),
    "contact_person": text("联系人", maxLength=50),
    "monitoring_plan": longtext("网格员回访、监督安排")},
    ["committee_name", "delivered_at"],
    description="反家庭暴力法第32条：送达居民委员会、村民委员会等有关组织协助执行。送交材料不得包含受害人住址、联系方式。")

form("protection_order_refused", "告知驳回裁定并提供法律援助", {
    "told_at": dt("告知时间"),
    "method": choice("告知方式", FEEDBACK_METHODS),
    "reconsideration_explained": yes("已告知可自裁定生效之日起5日内向作出裁定的法院申请复议一次（第31条）"),
    "wants_legal_aid": yes("受害人申请法律援助"),
    "aid_matter": longtext("援助事项")},
    ["told_at", "method", "reconsideration_explained", "wants_legal_aid"],
    description="驳回申请的，告知复议权利，并提供法律援助（家庭暴力受害人不受经济困难条件限制，法律援助法第32条第4项）。",
    extra={"allOf": [when("wants_legal_aid", True, ["aid_matter"])]})

form("protection_order_outcome", "记录协助结果", {
    "outcome": choice("协助结果", OUTCOMES, readOnly=True, description="由流程按法院裁定自动判定"),
    "outcome_summary": longtext("结果说明", minLength=5)},
    ["outcome_summary"],
    description="有理必果：每一件受理的求助都记录结果。")

form("protection_order_feedback", "结果告知受害人", {
    "method": choice("告知方式", FEEDBACK_METHODS),
    "fed_back_at": dt("告知时间"),
    "party_satisfaction": choice("受害人满意度", SATISFACTION),
    "safety_advice_given": yes("已告知违反保护令时的求助方式（报警、联系妇联）"),
    "notes": longtext("告知情况")},
    ["method", "fed_back_at", "party_satisfaction"],
    description="有果必公：结果告知受害人本人（不得经由被申请人转告），记录方式、时间和满意度。")

form("protection_order_expiry_review", "评估是否申请延长保护令", {
    "reviewed_at": dt("评估时间"),
    "victim_consulted": yes("已征求受害人意见"),
    "still_at_risk": yes("仍面临家庭暴力现实危险"),
    "apply_extension": yes("申请延长"),
    "review_note": longtext("评估情况")},
    ["reviewed_at", "victim_consulted", "still_at_risk", "apply_extension"],
    description="反家庭暴力法第30条：人身安全保护令有效期不超过六个月；失效前，人民法院可以根据申请人的申请撤销、变更或者延长。")

form("protection_order_extension_filing", "协助申请延长保护令", {
    "ext_filed_at": dt("申请时间"),
    "ext_court": text("受理法院", maxLength=100),
    "ext_reasons": longtext("延长理由", minLength=5)},
    ["ext_filed_at", "ext_court", "ext_reasons"],
    description="须在保护令失效前提出（反家庭暴力法第30条）。")

form("protection_order_extension_ruling", "登记延长裁定", {
    "extension_granted": yes("法院准予延长"),
    "ext_ruled_at": dt("裁定时间"),
    "new_valid_until": day("延长后有效期至"),
    "ext_refusal_reason": longtext("不予延长理由")},
    ["extension_granted", "ext_ruled_at"],
    extra={"allOf": [when("extension_granted", True, ["new_valid_until"]),
                     when("extension_granted", False, ["ext_refusal_reason"])]})
print("protection_order_assist written")
