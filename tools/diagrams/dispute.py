import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram
import care_campaign_common as cc

MSG_REFERRED = "dc_msg_dispute_case_referred"

LANES = [("lane_intake", "受理员"), ("lane_grid", "网格员"), ("lane_village", "村调解员"),
         ("lane_town", "镇调解员"), ("lane_legal", "法律顾问"), ("lane_psych", "心理咨询师"),
         ("lane_rights", "维权干部"), ("lane_supervisor", "督办")]
d = Diagram("dispute_case", "婚姻家庭纠纷调处", LANES,
            # layout only: visual lane order and heights (the laneSet keeps LANES' order)
            lane_order=["lane_intake", "lane_grid", "lane_rights", "lane_village", "lane_town", "lane_legal",
                        "lane_psych", "lane_supervisor"],
            lane_heights={"lane_intake": 300, "lane_legal": 240})
d.extra_root.append(cc.message(MSG_REFERRED, "dispute_case_referred"))
F = lambda name: {"formJsonSchemaFilename": f"{name}.schema.json", "formUiSchemaFilename": f"{name}.uischema.json"}

d.node("start", "startEvent", "收到纠纷来件", "lane_intake", 0, props=F("intake"))
# a key-family visit or a screening campaign refers a household: registered at once (有来必受)
d.node("start_referred", "startEvent", "收到转来事项", "lane_intake", 0, dy=100, message_start=MSG_REFERRED)
d.node("take_referral", "scriptTask", "登记转来事项", "lane_intake", 1, dy=100, script=(
    "channel = referral.get(\"channel\") or \"referral\"\n"
    "dispute_type = referral.get(\"dispute_type\") or \"other\"\n"
    "summary = referral.get(\"summary\") or \"\"\n"
    "parties = referral.get(\"parties\") or []\n"
    "received_at = iso(now())\n"
    "referred_by = referral.get(\"source\")\n"
    "household_id = referral.get(\"household_id\")"),
    props={"auditEvent": "referral_registered",
           "auditEventData": '{"source": referred_by, "household_id": household_id, "dispute_type": dispute_type}'})
d.node("screen_risk", "userTask", "风险筛查", "lane_intake", 1, props=F("risk_screening"),
       instructions="调解之前先筛查家庭暴力风险：逐项询问，当事人不愿回答的按“否”记录并在备注中说明。")
d.node("score_risk", "scriptTask", "计算风险分值", "lane_intake", 2, script=(
    "danger_flags = sum(1 for flag in [weapon_used, threats_to_kill, strangulation] if flag)\n"
    "answers = [current_injury, weapon_used, threats_to_kill, strangulation, stalking, recent_separation,\n"
    "           pregnancy_or_new_baby, child_abuse, victim_frightened, escalation, substance_abuse,\n"
    "           abuser_suicide_threats]\n"
    "risk_score = sum(1 for answer in answers if answer) + (1 if police_callouts_12m >= 2 else 0)"))
d.node("risk_triage", "businessRuleTask", "风险分级研判", "lane_intake", 3, decision="risk_triage",
       props={"auditEvent": "risk_triaged", "auditEventData": '{"colour": risk_colour, "level": level, "mediation_allowed": mediation_allowed}'})
d.node("response_deadlines", "businessRuleTask", "确定处置时限", "lane_intake", 4, decision="response_deadlines")
d.node("accept_case", "userTask", "受理审查", "lane_intake", 5, props={
    **F("accept_case"), "commitment": "accept", "dueAt": "accept_within",
    "deadlineBasisExpression": "accept_basis", "priority": "{'red': 4, 'orange': 3, 'yellow': 2}.get(risk_colour, 1)"})
d.node("gw_accepted", "exclusiveGateway", "是否受理", "lane_intake", 6, default="flow_gw_accepted_record_outcome")
d.node("gw_red", "exclusiveGateway", "能否调解", "lane_intake", 7, default="flow_gw_red_gw_level")
d.node("gw_level", "exclusiveGateway", "按等级分流", "lane_intake", 12, dy=0, default="flow_gw_level_l3_entry")

# red: joint handling, never mediation
d.node("report_major_risk", "intermediateThrowEvent", "重大风险报县妇联维权干部", "lane_rights", 7, props={
    "auditEvent": "major_risk_reported", "auditEventData": '{"colour": risk_colour}'})
d.node("red_split", "parallelGateway", "联合处置", "lane_rights", 8)
d.node("report_to_police", "userTask", "通报公安联合处置", "lane_rights", 9, props={
    **F("police_report"), "dueAt": '"PT1H"',
    "deadlineBasis": "人民调解法第25条：可能转化为治安、刑事案件的纠纷及时报告公安；反家庭暴力法第13条"})
d.node("shelter_referral", "userTask", "临时庇护转介", "lane_rights", 10, props={
    **F("shelter_referral"), "dueAt": '"PT4H"',
    "deadlineBasis": "民政部、全国妇联《关于做好家庭暴力受害人庇护救助工作的指导意见》（2015）：临时庇护一般不超过10日"})
d.node("safety_plan", "userTask", "制定安全计划", "lane_grid", 9, props={**F("safety_plan"), "dueAt": '"P1D"',
       "deadlineBasis": "红色风险立即处置（本地规定）"})
# the network's own processes, called: legal aid gates the outcome (a decision within 7 days); the protection
# order does not: it is followed until it expires (up to 6 months, extendable), while the case goes on
d.node("legal_split", "parallelGateway", "法律援助与保护令", "lane_legal", 8.6)
d.node("call_legal_aid", "callActivity", "法律援助绿色通道", "lane_legal", 9.6, dy=-50, called="legal_aid_referral")
d.node("call_protection_order", "callActivity", "协助申请人身安全保护令", "lane_legal", 9.6, dy=60,
       called="protection_order_assist")
d.node("end_protection", "endEvent", "保护令协助办结", "lane_legal", 10.6, dy=60)
d.node("red_join", "parallelGateway", "联合处置完成", "lane_rights", 11)

# level 1 / 2 / 3
d.node("mediate_level1", "userTask", "网格员现场调解", "lane_grid", 13, props={
    **F("mediation_result"), "deadlineBasis": "网格现场调解一般7日内完成（本地规定）；逾期升级至村（社区）"})
d.node("gw_l1", "exclusiveGateway", "网格调解结果", "lane_grid", 14, default="flow_gw_l1_escalate_1_2")
d.node("escalate_1_2", "scriptTask", "升级至村（社区）", "lane_village", 15, script='level = 2\nhandling_level = "village"',
       props={"auditEvent": "escalated", "auditEventData": '{"from_level": 1, "to_level": 2}'})
d.node("mediate_level2", "userTask", "村（社区）调解", "lane_village", 16, props={
    **F("mediation_result"), "deadlineBasis": "人民调解工作若干规定第33条：调解一般在一个月内结束"})
d.node("gw_l2", "exclusiveGateway", "村级调解结果", "lane_village", 17, default="flow_gw_l2_escalate_2_3")
d.node("escalate_2_3", "scriptTask", "升级至乡镇调解工作室", "lane_town", 18, script='level = 3\nhandling_level = "town"',
       props={"auditEvent": "escalated", "auditEventData": '{"from_level": 2, "to_level": 3}'})
d.node("l3_entry", "exclusiveGateway", "进入乡镇调解", "lane_town", 19)
d.node("l3_split", "parallelGateway", "专家会商", "lane_town", 20)
d.node("legal_opinion", "userTask", "法律意见", "lane_legal", 21, props={**F("legal_opinion"), "dueAt": '"P5D"',
       "deadlineBasis": "专家会商意见5日内提出（本地规定）"})
d.node("psych_assessment", "userTask", "心理评估与疏导", "lane_psych", 21, props={**F("psych_assessment"), "dueAt": '"P5D"',
       "deadlineBasis": "专家会商意见5日内提出（本地规定）"})
d.node("l3_join", "parallelGateway", "会商完成", "lane_town", 22)
d.node("mediate_level3", "userTask", "乡镇调解工作室调解", "lane_town", 23, props={
    **F("mediation_result"), "deadlineBasis": "人民调解工作若干规定第33条：调解一般在一个月内结束"})
d.node("gw_l3", "exclusiveGateway", "乡镇调解结果", "lane_town", 24, default="flow_gw_l3_guide_litigation")
d.node("guide_litigation", "userTask", "引导诉讼并提供法律援助", "lane_legal", 25, props={
    **F("guide_litigation"), "dueAt": '"P5D"',
    "deadlineBasis": "人民调解法第26条：调解不成的，告知当事人依法通过仲裁、行政、司法等途径维权"})
d.node("gw_wants_aid", "exclusiveGateway", "是否申请法律援助", "lane_legal", 26, default="flow_gw_wants_aid_record_outcome")
d.node("call_legal_aid_l3", "callActivity", "转介法律援助", "lane_legal", 27, dy=50, called="legal_aid_referral")
d.node("remind_supervisor", "userTask", "督办提醒", "lane_supervisor", 24, props={
    **F("supervisor_reminder"), "dueAt": '"P2D"', "deadlineBasis": "督办：临近时限前提醒（本地规定）"})
d.node("end_reminded", "endEvent", "督办完毕", "lane_supervisor", 25)

# outcome, feedback, aftercare
d.node("record_outcome", "userTask", "记录处理结果", "lane_intake", 28, props={**F("record_outcome"), "commitment": "outcome"})
d.node("feedback_to_party", "userTask", "结果告知当事人", "lane_intake", 29, props={
    **F("feedback_to_party"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)",
    "deadlineBasis": "办结后5个工作日内告知当事人（本地规定，有果必公）"})
d.node("gw_aftercare", "exclusiveGateway", "是否回访", "lane_intake", 30, default="flow_gw_aftercare_follow_up_visit")
d.node("follow_up_visit", "userTask", "回访", "lane_village", 31, loop="not (close_aftercare or renewed_conflict)",
       post_script="risk_colour = new_colour", scripts_on_instances=True, props={
    **F("follow_up_visit"), "dueAt": "visit_interval",
    "deadlineBasis": "回访频次：红色、橙色每月，黄色每季度，蓝色每半年；回访协议履行情况（人民调解法第31条）",
    "auditEvent": "follow_up_recorded", "auditEventData": '{"colour": new_colour, "renewed_conflict": renewed_conflict}'})
d.node("gw_renewed", "exclusiveGateway", "矛盾是否复发", "lane_village", 32, default="flow_gw_renewed_close_case")
d.node("reopen_mediation", "userTask", "重新调解", "lane_village", 33, props={
    **F("mediation_result"), "auditEvent": "reopened",
    "deadlineBasis": "人民调解工作若干规定第33条：调解一般在一个月内结束"})
d.node("record_reopened_outcome", "userTask", "记录重新调解结果", "lane_intake", 34, props={**F("record_outcome"), "commitment": "outcome"})
d.node("feedback_reopened", "userTask", "重新调解结果告知", "lane_intake", 35, props={
    **F("feedback_to_party"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)",
    "deadlineBasis": "办结后5个工作日内告知当事人（本地规定，有果必公）"})
d.node("close_case", "scriptTask", "结案归档", "lane_intake", 36, script=(
    "closed_at = iso(now())\n"
    "retention_until = iso(add_days(today(), 365 * retention_years))\n"
    "case_closed = True"), props={"auditEvent": "case_closed",
                                   "auditEventData": '{"outcome": outcome, "retention_years": retention_years}'})
d.node("end_closed", "endEvent", "结案", "lane_intake", 37)

# boundary timers: deadline (interrupting) escalates, warning (non-interrupting) tells the supervisor
d.boundary("l1_deadline", "mediate_level1", "网格调解超期", '"P7D"', props={"auditEvent": "deadline_missed", "auditEventData": '{"level": 1}'})
d.boundary("l1_warning", "mediate_level1", "网格调解督办", '"P5D"', cancel=False, offset=1, props={"auditEvent": "supervisor_warned", "auditEventData": '{"level": 1}'})
d.boundary("l2_deadline", "mediate_level2", "村级调解超期", '"P30D"', props={"auditEvent": "deadline_missed", "auditEventData": '{"level": 2}'})
d.boundary("l2_warning", "mediate_level2", "村级调解督办", '"P25D"', cancel=False, offset=1, props={"auditEvent": "supervisor_warned", "auditEventData": '{"level": 2}'})
d.boundary("l3_deadline", "mediate_level3", "乡镇调解超期", '"P30D"', props={"auditEvent": "deadline_missed", "auditEventData": '{"level": 3}'})
d.boundary("l3_warning", "mediate_level3", "乡镇调解督办", '"P25D"', cancel=False, offset=1, props={"auditEvent": "supervisor_warned", "auditEventData": '{"level": 3}'})

# flows
d.flow("start_referred", "take_referral")
d.flow("take_referral", "screen_risk")
for a, b in [("start", "screen_risk"), ("screen_risk", "score_risk"), ("score_risk", "risk_triage"),
             ("risk_triage", "response_deadlines"), ("response_deadlines", "accept_case"), ("accept_case", "gw_accepted")]:
    d.flow(a, b)
d.flow("gw_accepted", "gw_red", "受理", 'decision == "accept"')
d.flow("gw_accepted", "record_outcome", "不予受理或并案")
d.flow("gw_red", "report_major_risk", "红色：禁止调解", "not mediation_allowed")
d.flow("report_major_risk", "red_split")
d.flow("gw_red", "gw_level", "可以调解")
for t in ("report_to_police", "safety_plan", "legal_split"):
    d.flow("red_split", t)
d.flow("legal_split", "call_legal_aid")
d.flow("legal_split", "call_protection_order")
d.flow("report_to_police", "shelter_referral")
for t in ("shelter_referral", "safety_plan", "call_legal_aid"):
    d.flow(t, "red_join")
d.flow("call_protection_order", "end_protection")
d.flow("red_join", "record_outcome")
d.flow("gw_level", "mediate_level1", "一级：网格", "level == 1")
d.flow("gw_level", "mediate_level2", "二级：村（社区）", "level == 2")
d.flow("gw_level", "l3_entry", "三级：乡镇")
d.flow("mediate_level1", "gw_l1")
d.flow("gw_l1", "record_outcome", "调解成功或撤回", 'result in ("resolved", "withdrawn")')
d.flow("gw_l1", "escalate_1_2", "调解不成")
d.flow("l1_deadline", "escalate_1_2")
d.flow("escalate_1_2", "mediate_level2")
d.flow("mediate_level2", "gw_l2")
d.flow("gw_l2", "record_outcome", "调解成功或撤回", 'result in ("resolved", "withdrawn")')
d.flow("gw_l2", "escalate_2_3", "调解不成")
d.flow("l2_deadline", "escalate_2_3")
d.flow("escalate_2_3", "l3_entry")
d.flow("l3_entry", "l3_split")
d.flow("l3_split", "legal_opinion"); d.flow("l3_split", "psych_assessment")
d.flow("legal_opinion", "l3_join"); d.flow("psych_assessment", "l3_join")
d.flow("l3_join", "mediate_level3")
d.flow("mediate_level3", "gw_l3")
d.flow("gw_l3", "record_outcome", "调解成功或撤回", 'result in ("resolved", "withdrawn")')
d.flow("gw_l3", "guide_litigation", "调解不成")
d.flow("l3_deadline", "guide_litigation")
d.flow("guide_litigation", "gw_wants_aid")
d.flow("gw_wants_aid", "call_legal_aid_l3", "申请法律援助", "wants_legal_aid")
d.flow("gw_wants_aid", "record_outcome", "暂不申请")
d.flow("call_legal_aid_l3", "record_outcome")
for w in ("l1_warning", "l2_warning", "l3_warning"):
    d.flow(w, "remind_supervisor")
d.flow("remind_supervisor", "end_reminded")
d.flow("record_outcome", "feedback_to_party")
d.flow("feedback_to_party", "gw_aftercare")
d.flow("gw_aftercare", "close_case", "无需回访", 'outcome in ("not_accepted", "merged_into_other_case", "withdrawn_by_party")')
d.flow("gw_aftercare", "follow_up_visit", "回访")
d.flow("follow_up_visit", "gw_renewed")
d.flow("gw_renewed", "reopen_mediation", "矛盾复发", "renewed_conflict")
d.flow("gw_renewed", "close_case", "关系稳定，结束回访")
d.flow("reopen_mediation", "record_reopened_outcome")
d.flow("record_reopened_outcome", "feedback_reopened")
d.flow("feedback_reopened", "close_case")
d.flow("close_case", "end_closed")

root = etree.fromstring(d.to_xml())
cc.message_variable(root, "start_referred", "referral")
open(REPO_ROOT + "/processes/bpmn/dispute_case.bpmn", "wb").write(
    etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8"))
print("written")
