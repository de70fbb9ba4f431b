"""hotline_call (12338 妇女维权公益服务热线来电): take the call, then answer it on the line, transfer it to a
specialist line (律师专线, 心理咨询专线, 婚姻家庭调解专线) or to the county federation's regional line (区县妇联分线),
or register it as a dispute case (message dispute_case_referred, the call linked as origin) or hand it to
petition registration (petition has no message start: the petition is registered by the clerk and its number
recorded here). A domestic-violence emergency goes straight to a dispute case flagged as an emergency.
After a transfer or registration the caller is called back (回访) when she left a number; an anonymous caller
without one was told on the line.

Commitments: accept = 登记来电 (the call registered), outcome = the answer, the specialist's or regional line's
reply, or the registration, feedback = told on the line (当场解答 / 在线告知) or the call-back.

Writes processes/bpmn/hotline_call.bpmn under the repository root (or the PROJECT_ROOT given) with
tools/diagrams/bpmnkit.py (not modified); care_campaign_common.py turns the call-back timer into a timeDate.
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram
import care_campaign_common as cc

ROOT = sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT
PID = "hotline_call"
MSG_REFER = "hotline_msg_dispute_case_referred"
F = lambda name: {"formJsonSchemaFilename": f"hotline_call_{name}.schema.json",
                  "formUiSchemaFilename": f"hotline_call_{name}.uischema.json"}

BASIS_RECORD = "来电记录于通话结束后2小时内完成（本地规定，有来必受）"
BASIS_DV = ("反家庭暴力法第13条：妇女联合会接到家庭暴力投诉、反映或者求助后，应当给予帮助、处理；"
            "情况紧急的指导或协助拨打110（第15条）。本地规定：30分钟内完成紧急转介")
BASIS_SPECIALIST = "转接专线后1个工作日内由专线解答并记录（本地规定）"
BASIS_REGIONAL = "转区县妇联分线后3个工作日内处理并记录（本地规定）"
BASIS_PETITION = ("转信访事项登记1个工作日内完成（本地规定）；登记后按信访工作条例（2022）第22-23条"
                  "15日内决定受理并告知信访人")
BASIS_CALLBACK = "转接、转办或登记后3个工作日内回访来电人（本地规定，有果必公）"
BASIS_CALLBACK_DV = "家暴紧急求助转介后24小时内回访，确认人身安全（本地规定，有果必公）"
BASIS_REMIND = "回访逾期的，督办1日内督促（本地规定）"

LANES = [("lane_operator", "热线接线员"), ("lane_legal", "律师专线"), ("lane_psych", "心理咨询专线"),
         ("lane_mediation", "婚姻家庭调解专线"), ("lane_regional", "区县妇联分线"), ("lane_supervisor", "督办")]
d = Diagram(PID, "12338妇女维权热线来电", LANES,
            lane_heights={"lane_operator": 520, "lane_legal": 140, "lane_psych": 140, "lane_mediation": 140,
                          "lane_regional": 140, "lane_supervisor": 160})
d.extra_root.append(cc.message(MSG_REFER, "dispute_case_referred"))
# rows inside the operator lane
ANS, MAIN, DISP, PET, DV = -200, -100, 0, 100, 200

# ---------------------------------------------------------------- take the call (有来必受)
d.node("start", "startEvent", "12338来电", "lane_operator", 0, dy=MAIN, props=F("intake"))
d.node("register_call", "scriptTask", "登记来电", "lane_operator", 1, dy=MAIN, script=(
    "registered_at = iso(now())\n"
    "emergency = category == \"dv_emergency\"\n"
    "callback_possible = callback_agreed"),
    props={"commitment": "accept", "auditEvent": "call_registered",
           "auditEventData": '{"category": category, "line": line, "anonymous": caller_anonymous, '
                             '"callback_possible": callback_possible}'})
d.node("gw_emergency", "exclusiveGateway", "是否家暴紧急求助", "lane_operator", 2, dy=MAIN,
       default="flow_gw_emergency_answer_call")

# ---------------------------------------------------------------- domestic-violence emergency: the red path
d.node("dv_emergency_response", "userTask", "家暴紧急求助处置", "lane_operator", 3, dy=DV,
       post_script=(
           'outcome = "dv_emergency_referred"\n'
           'dispute_type = "domestic_violence"\n'
           'danger_summary = "、".join([label for flag, label in [(current_injury, "已受伤"), '
           '(weapon_used, "使用或威胁使用凶器"), (threats_to_kill, "扬言杀人"), (strangulation, "掐颈"), '
           '(children_at_risk, "子女处境危险")] if flag]) or "未述及"'), props={
           **F("dv_emergency"), "dueAt": '"PT30M"', "deadlineBasis": BASIS_DV, "priority": "4"},
       instructions="家暴紧急求助：先确认来电人此刻是否安全、能否说话；正在遭受暴力或有人身危险的，指导或协助拨打110。"
                    "逐项询问高危情形（受伤、凶器、扬言杀人、掐颈、子女处境），约定安全的回访方式。"
                    "提交后自动登记纠纷调处案件（标明紧急），按红色风险联合处置，不做调解。")
d.node("refer_red", "intermediateThrowEvent", "转纠纷调处（紧急）", "lane_operator", 4, dy=DV, message_throw=(
    MSG_REFER,
    '{"channel": "hotline_12338", "dispute_type": "domestic_violence", '
    '"summary": "【12338家暴紧急求助】" + summary + "（高危情形：" + danger_summary + "）", '
    '"parties": [], "source": "hotline_call", "emergency": True, "risk_hint": "red", '
    '"police_called": police_called, "hotline_screening": {"current_injury": current_injury, '
    '"weapon_used": weapon_used, "threats_to_kill": threats_to_kill, "strangulation": strangulation, '
    '"children_at_risk": children_at_risk}}'),
    props={"commitment": "outcome", "auditEvent": "call_referred",
           "auditEventData": '{"to": "dispute_case", "emergency": True}'})

# ---------------------------------------------------------------- answer and decide
d.node("answer_call", "userTask", "接听解答", "lane_operator", 3, dy=MAIN, post_script=(
    'outcome = {"answered": "answered_on_line", "specialist": "transferred_to_specialist", '
    '"regional": "transferred_to_regional", "dispute": "registered_dispute_case", '
    '"petition": "referred_to_petition"}[disposition]'), props={
    **F("answer"), "dueAt": '"PT2H"', "deadlineBasis": BASIS_RECORD,
    "auditEvent": "call_answered", "auditEventData": '{"disposition": disposition}'},
    instructions="在线解答，能当场解答的当场办结；需专业解答的转专线，属地事项转区县妇联分线，"
                 "需调处的登记纠纷调处案件，属信访事项的转信访登记。转出时写明来电摘要，供接办人了解情况。")
d.node("gw_disposition", "exclusiveGateway", "处理方式", "lane_operator", 4, dy=MAIN,
       default="flow_gw_disposition_record_answered")
d.node("record_answered", "scriptTask", "当场解答办结", "lane_operator", 5, dy=ANS, script=(
    'closure = "answered_on_line"\nclosed_at = iso(now())'),
    props={"commitment": "outcome,feedback", "auditEvent": "call_closed",
           "auditEventData": '{"closure": closure, "outcome": outcome}'})
d.node("end_answered", "endEvent", "当场办结", "lane_operator", 6, dy=ANS)

# specialist lines
d.node("gw_refer", "exclusiveGateway", "转办或登记", "lane_operator", 4, dy=DISP,
       default="flow_gw_refer_petition_referral")
d.node("gw_line", "exclusiveGateway", "转接哪条专线", "lane_operator", 5, dy=MAIN, default="flow_gw_line_legal_line")
d.node("legal_line", "userTask", "律师专线解答", "lane_legal", 6, props={
    **F("legal_line"), "commitment": "outcome", "dueAt": "add_working_days(now(), 1)",
    "deadlineBasis": BASIS_SPECIALIST},
    instructions="12338转来（律师专线）：{{ transfer_note }}")
d.node("psych_line", "userTask", "心理咨询专线疏导", "lane_psych", 6, props={
    **F("psych_line"), "commitment": "outcome", "dueAt": "add_working_days(now(), 1)",
    "deadlineBasis": BASIS_SPECIALIST},
    instructions="12338转来（心理咨询专线）：{{ transfer_note }}。有自伤、自杀风险的立即危机干预并报告。")
d.node("mediation_line", "userTask", "调解专线指导", "lane_mediation", 6, props={
    **F("mediation_line"), "commitment": "outcome", "dueAt": "add_working_days(now(), 1)",
    "deadlineBasis": BASIS_SPECIALIST},
    instructions="12338转来（婚姻家庭调解专线）：{{ transfer_note }}。调解之前先了解有无家庭暴力；有的不做调解。")

# regional line
d.node("regional_line", "userTask", "区县妇联分线办理", "lane_regional", 6, props={
    **F("regional_line"), "commitment": "outcome", "dueAt": "add_working_days(now(), 3)",
    "deadlineBasis": BASIS_REGIONAL},
    instructions="12338转来（区县妇联分线）：{{ transfer_note }}")

# registrations
d.node("refer_dispute", "intermediateThrowEvent", "登记纠纷调处案件", "lane_operator", 6, dy=DISP, message_throw=(
    MSG_REFER,
    '{"channel": "hotline_12338", "dispute_type": dispute_type, '
    '"summary": "【12338来电转办】" + summary, "parties": [], "source": "hotline_call", "emergency": False}'),
    props={"commitment": "outcome", "auditEvent": "call_referred",
           "auditEventData": '{"to": "dispute_case", "emergency": False, "dispute_type": dispute_type}'})
d.node("petition_referral", "userTask", "转信访事项登记", "lane_operator", 6, dy=PET, props={
    **F("petition_referral"), "commitment": "outcome", "dueAt": "add_working_days(now(), 1)",
    "deadlineBasis": BASIS_PETITION, "auditEvent": "call_referred",
    "auditEventData": '{"to": "petition", "petition_case_no": petition_case_no}'},
    instructions="信访事项由受理员在“登记案件”中以“信访事项办理”流程、来件渠道“12338热线”登记，"
                 "并在此记录信访件编号。来电摘要：{{ transfer_note }}")

# ---------------------------------------------------------------- call-back (有果必公)
d.node("line_merge", "exclusiveGateway", "专线办结", "lane_psych", 7)
d.node("set_callback", "scriptTask", "确定回访期限", "lane_operator", 8, dy=MAIN, script=(
    "callback_due = iso(add_hours(now(), 24)) if emergency else iso(add_working_days(now(), 3))\n"
    f'callback_basis = "{BASIS_CALLBACK_DV}" if emergency else "{BASIS_CALLBACK}"'),
    props={"auditEvent": "callback_scheduled",
           "auditEventData": '{"callback_possible": callback_possible, "callback_due": callback_due}'})
d.node("gw_callback", "exclusiveGateway", "能否回访", "lane_operator", 9, dy=MAIN,
       default="flow_gw_callback_told_on_line")
d.node("callback", "userTask", "回访来电人", "lane_operator", 10, dy=MAIN, props={
    **F("callback"), "commitment": "feedback", "dueAt": "callback_due",
    "deadlineBasisExpression": "callback_basis", "priority": "4 if emergency else 1",
    "auditEvent": "callback_recorded", "auditEventData": '{"reached": reached}'},
    instructions="按来电人留下的号码回访，告知转接、转办或登记情况。家暴求助者须先确认对方方便接听、周围安全。")
d.node("told_on_line", "intermediateThrowEvent", "已在通话中告知去向（无回访号码）", "lane_operator", 10, dy=DISP,
       props={"commitment": "feedback", "auditEvent": "caller_told_on_line"})
d.node("close_call", "scriptTask", "办结归档", "lane_operator", 11, dy=MAIN, script=(
    'closure = "closed_after_callback" if callback_possible else "closed_told_on_line"\nclosed_at = iso(now())'),
    props={"auditEvent": "call_closed", "auditEventData": '{"closure": closure, "outcome": outcome}'})
d.node("end_closed", "endEvent", "办结", "lane_operator", 12, dy=MAIN)

d.node("remind_callback", "userTask", "督办回访", "lane_supervisor", 11, props={
    **F("callback_reminder"), "dueAt": '"P1D"', "deadlineBasis": BASIS_REMIND,
    "auditEvent": "callback_overdue_supervised", "auditEventData": '{"callback_due": callback_due}'})
d.node("end_reminded", "endEvent", "督办完毕", "lane_supervisor", 12)
d.boundary("callback_overdue", "callback", "回访逾期", "callback_due", cancel=False, props={
    "auditEvent": "supervisor_warned", "auditEventData": '{"stage": "callback", "deadline": callback_due}'})

# ---------------------------------------------------------------- flows
d.flow("start", "register_call")
d.flow("register_call", "gw_emergency")
d.flow("gw_emergency", "dv_emergency_response", "家暴紧急求助", "emergency")
d.flow("gw_emergency", "answer_call", "一般来电")
d.flow("dv_emergency_response", "refer_red")
d.flow("refer_red", "set_callback")
d.flow("answer_call", "gw_disposition")
d.flow("gw_disposition", "record_answered", "当场解答")
d.flow("gw_disposition", "gw_line", "转专线", 'disposition == "specialist"')
d.flow("gw_disposition", "gw_refer", "转办或登记", 'disposition in ("regional", "dispute", "petition")')
d.flow("gw_refer", "regional_line", "转区县分线", 'disposition == "regional"')
d.flow("gw_refer", "refer_dispute", "登记纠纷", 'disposition == "dispute"')
d.flow("gw_refer", "petition_referral", "转信访")
d.flow("record_answered", "end_answered")
d.flow("gw_line", "legal_line", "律师专线")
d.flow("gw_line", "psych_line", "心理咨询专线", 'specialist_line == "psychological"')
d.flow("gw_line", "mediation_line", "调解专线", 'specialist_line == "mediation"')
for t in ("legal_line", "psych_line", "mediation_line"):
    d.flow(t, "line_merge")
d.flow("line_merge", "set_callback")
for t in ("regional_line", "refer_dispute", "petition_referral"):   # exclusive paths meet at the task (implicit merge)
    d.flow(t, "set_callback")
d.flow("set_callback", "gw_callback")
d.flow("gw_callback", "callback", "可回访", "callback_possible")
d.flow("gw_callback", "told_on_line", "匿名无号码")
d.flow("callback", "close_call")
d.flow("told_on_line", "close_call")
d.flow("close_call", "end_closed")
d.flow("callback_overdue", "remind_callback")
d.flow("remind_callback", "end_reminded")

root = etree.fromstring(d.to_xml())
cc.time_dates(root, ["callback_overdue"])
cc.write(root, f"{ROOT}/processes/bpmn/hotline_call.bpmn")
