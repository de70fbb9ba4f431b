import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram
import care_campaign_common as cc

MSG_REFERRED = "dc_msg_dispute_case_referred"

LANES = [("lane_intake", "受理员"), ("lane_grid", "网格员"), ("lane_village", "村调解员"),
         ("lane_mediator", "调解员"), ("lane_legal", "法律顾问"), ("lane_psych", "心理咨询师"),
         ("lane_rights", "维权干部"), ("lane_supervisor", "督办")]
d = Diagram("dispute_case", "婚姻家庭纠纷调处", LANES,
            # layout only: visual lane order and heights (the laneSet keeps LANES' order)
            lane_order=["lane_intake", "lane_grid", "lane_rights", "lane_mediator", "lane_village", "lane_legal",
                        "lane_psych", "lane_supervisor"],
            lane_heights={"lane_intake": 300, "lane_legal": 240, "lane_mediator": 240})
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
    "household_id = referral.get(\"household_id\")\n"
    # a sender that saw danger (the hotline's emergency, the registry's DV signs) sets a floor: the
    # triage keeps the case red whatever the re-screening finds; its answers prefill the screening
    "risk_hint = \"red\" if referral.get(\"emergency\") else (referral.get(\"risk_hint\") or referral.get(\"suggested_colour\"))\n"
    "screened = referral.get(\"hotline_screening\") or {}\n"
    "if \"current_injury\" in screened:\n"
    "    current_injury = bool(screened[\"current_injury\"])\n"
    "if \"weapon_used\" in screened:\n"
    "    weapon_used = bool(screened[\"weapon_used\"])\n"
    "if \"threats_to_kill\" in screened:\n"
    "    threats_to_kill = bool(screened[\"threats_to_kill\"])\n"
    "if \"strangulation\" in screened:\n"
    "    strangulation = bool(screened[\"strangulation\"])"),
    props={"auditEvent": "referral_registered",
           "auditEventData": '{"source": referred_by, "household_id": household_id, "dispute_type": dispute_type}'})
# a matter that comes in directly carries no sender's risk hint (the triage table reads risk_hint)
d.node("register_matter", "scriptTask", "登记来件", "lane_intake", 0.5, dy=-70, script="risk_hint = None")
d.node("screen_risk", "userTask", "风险筛查", "lane_intake", 1, props={
    **F("risk_screening"), "priority": '4 if risk_hint == "red" else 0'},
       instructions="调解之前先筛查家庭暴力风险：逐项询问，当事人不愿回答的按“否”记录并在备注中说明。"
                    "{% if risk_hint == 'red' %}本事项转来时已标明家暴紧急或红色风险：已按转来时的回答预填，"
                    "请向当事人核实；无论复筛结果如何，本案按红色处置，不得调解。{% endif %}")
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
d.node("gw_red", "exclusiveGateway", "能否调解", "lane_intake", 7, default="flow_gw_red_ladder_enter")

# red: joint handling, never mediation
d.node("report_major_risk", "intermediateThrowEvent", "重大风险报县妇联维权干部", "lane_rights", 7, props={
    "auditEvent": "major_risk_reported", "auditEventData": '{"colour": risk_colour}'})
d.node("red_split", "parallelGateway", "联合处置", "lane_rights", 8)
d.node("report_to_police", "userTask", "通报公安联合处置", "lane_rights", 9, props={
    **F("police_report"), "dueAt": '"PT1H"',
    "deadlineBasis": "人民调解法第25条：可能转化为治安、刑事案件的纠纷及时报告公安；反家庭暴力法第13条",
    "documents": "police_referral_letter"})
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

# the mediation ladder: the region profile the case started on (mediation_ladder, processes/ladders/) says
# which tiers there are, at which level and by which role each mediates, how many failed attempts each
# allows and each attempt's deadline; the lane 调解员 follows the case's current tier (catalog: ladder)
# the tier at tier_index as the case carries it: the profile's fields, its position, the attempt, is it the last
TIER = ('dict(mediation_ladder["tiers"][tier_index], position=tier_index + 1, attempt=attempt,\n'
        '                      last=tier_index == len(mediation_ladder["tiers"]) - 1)')
d.node("ladder_enter", "scriptTask", "进入调解梯级", "lane_mediator", 12, script=(
    "tier_ids = [tier[\"id\"] for tier in mediation_ladder[\"tiers\"]]\n"
    "tier_index = tier_ids.index(mediation_ladder[\"entry\"].get(str(level), tier_ids[0]))\n"
    "attempt = 1\n"
    "move_up = False\n"
    f"mediation_tier = {TIER}\n"
    "level = tier_index + 1\n"
    "handling_level = mediation_tier[\"level\"]"),
    props={"auditEvent": "ladder_entered",
           "auditEventData": '{"ladder": mediation_ladder["key"], "tier": mediation_tier["id"], '
                             '"tier_name": mediation_tier["name"], "level": level}'})
# a tier's first attempt may start with an expert consultation (the profile says which)
d.node("gw_consult", "exclusiveGateway", "是否专家会商", "lane_mediator", 13, default="flow_gw_consult_mediate")
# each round retries the tier or climbs one: a profile allows at most 10 attempts on each of at most 5 tiers
d.node("gw_round", "exclusiveGateway", "下一轮调解", "lane_mediator", 13, dy=90, props={"maxRounds": "50"})
d.node("consult_split", "parallelGateway", "专家会商", "lane_mediator", 14, dy=70)
d.node("legal_opinion", "userTask", "法律意见", "lane_legal", 15, props={**F("legal_opinion"), "dueAt": '"P5D"',
       "deadlineBasis": "专家会商意见5日内提出（本地规定）"})
d.node("psych_assessment", "userTask", "心理评估与疏导", "lane_psych", 15, props={**F("psych_assessment"), "dueAt": '"P5D"',
       "deadlineBasis": "专家会商意见5日内提出（本地规定）"})
d.node("consult_join", "parallelGateway", "会商完成", "lane_mediator", 16, dy=70)
d.node("mediate", "userTask", "调解", "lane_mediator", 17, props={
    **F("mediation_result"), "deadlineBasisExpression": 'mediation_tier["basis"]',
    "titleExpression": 'mediation_tier["name"] + ("（第" + str(attempt) + "次）" if mediation_tier["attempts"] > 1 else "")',
    "documents": "mediation_agreement"})
d.node("gw_mediated", "exclusiveGateway", "调解结果", "lane_mediator", 18, default="flow_gw_mediated_next_step")
d.node("tier_overdue", "scriptTask", "超期：本级不再调解", "lane_mediator", 18, dy=100, script="move_up = True")
d.node("next_step", "scriptTask", "确定下一步", "lane_mediator", 19, script=(
    "if attempt < mediation_tier[\"attempts\"] and not move_up:\n"
    "    ladder_move = \"retry\"\n"
    "elif not mediation_tier[\"last\"]:\n"
    "    ladder_move = \"escalate\"\n"
    "else:\n"
    "    ladder_move = \"exhausted\"\n"
    "move_up = False"))
d.node("gw_next", "exclusiveGateway", "本级再调或升级", "lane_mediator", 20, default="flow_gw_next_guide_litigation")
d.node("retry_mediation", "scriptTask", "本级再次调解", "lane_mediator", 21, dy=-70, script=(
    "attempt = attempt + 1\n"
    f"mediation_tier = {TIER}"),
    props={"auditEvent": "mediation_retried",
           "auditEventData": '{"tier": mediation_tier["id"], "tier_name": mediation_tier["name"], "attempt": attempt}'})
d.node("escalate_tier", "scriptTask", "升级至上一级调解", "lane_mediator", 21, dy=70, script=(
    "from_level = level\n"
    "from_tier = mediation_tier[\"id\"]\n"
    "tier_index = tier_index + 1\n"
    "attempt = 1\n"
    f"mediation_tier = {TIER}\n"
    "level = tier_index + 1\n"
    "handling_level = mediation_tier[\"level\"]"),
    props={"auditEvent": "escalated",
           "auditEventData": '{"from_level": from_level, "to_level": level, "from_tier": from_tier, '
                             '"to_tier": mediation_tier["id"], "tier_name": mediation_tier["name"]}'})
d.node("guide_litigation", "userTask", "引导诉讼并提供法律援助", "lane_legal", 23, props={
    **F("guide_litigation"), "dueAt": '"P5D"',
    "deadlineBasis": "人民调解法第26条：调解不成的，告知当事人依法通过仲裁、行政、司法等途径维权"})
d.node("gw_wants_aid", "exclusiveGateway", "是否申请法律援助", "lane_legal", 24, default="flow_gw_wants_aid_record_outcome")
d.node("call_legal_aid_l3", "callActivity", "转介法律援助", "lane_legal", 25, dy=50, called="legal_aid_referral")
d.node("remind_supervisor", "userTask", "督办提醒", "lane_supervisor", 18, props={
    **F("supervisor_reminder"), "dueAt": '"P2D"', "deadlineBasis": "督办：临近时限前提醒（本地规定）"})
d.node("end_reminded", "endEvent", "督办完毕", "lane_supervisor", 19)

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
    "auditEvent": "follow_up_recorded", "auditEventData": '{"colour": new_colour, "renewed_conflict": renewed_conflict}',
    "documents": "follow_up_record"})
d.node("gw_renewed", "exclusiveGateway", "矛盾是否复发", "lane_village", 32, default="flow_gw_renewed_close_case")
d.node("reopen_mediation", "userTask", "重新调解", "lane_village", 33, props={
    **F("mediation_result"), "auditEvent": "reopened",
    "deadlineBasis": "人民调解工作若干规定第33条：调解一般在一个月内结束", "documents": "mediation_agreement"})
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

# boundary timers: each attempt's deadline (interrupting) moves the case up, the warning (non-interrupting)
# tells the supervisor; both from the current tier of the profile
d.boundary("tier_deadline", "mediate", "调解超期", 'mediation_tier["deadline"]', props={
    "auditEvent": "deadline_missed", "auditEventData": '{"level": level, "tier": mediation_tier["id"], "attempt": attempt}'})
d.boundary("tier_warning", "mediate", "调解督办", 'mediation_tier["warning"]', cancel=False, offset=1, props={
    "auditEvent": "supervisor_warned", "auditEventData": '{"level": level, "tier": mediation_tier["id"], "attempt": attempt}'})

# flows
d.flow("start_referred", "take_referral")
d.flow("take_referral", "screen_risk")
for a, b in [("start", "register_matter"), ("register_matter", "screen_risk"), ("screen_risk", "score_risk"), ("score_risk", "risk_triage"),
             ("risk_triage", "response_deadlines"), ("response_deadlines", "accept_case"), ("accept_case", "gw_accepted")]:
    d.flow(a, b)
d.flow("gw_accepted", "gw_red", "受理", 'decision == "accept"')
d.flow("gw_accepted", "record_outcome", "不予受理或并案")
d.flow("gw_red", "report_major_risk", "红色：禁止调解", "not mediation_allowed")
d.flow("report_major_risk", "red_split")
d.flow("gw_red", "ladder_enter", "可以调解")
for t in ("report_to_police", "safety_plan", "legal_split"):
    d.flow("red_split", t)
d.flow("legal_split", "call_legal_aid")
d.flow("legal_split", "call_protection_order")
d.flow("report_to_police", "shelter_referral")
for t in ("shelter_referral", "safety_plan", "call_legal_aid"):
    d.flow(t, "red_join")
d.flow("call_protection_order", "end_protection")
d.flow("red_join", "record_outcome")
d.flow("ladder_enter", "gw_consult")
d.flow("gw_consult", "consult_split", "本级首次调解前专家会商", 'mediation_tier.get("expert_consultation") and attempt == 1')
d.flow("gw_consult", "mediate", "直接调解")
d.flow("consult_split", "legal_opinion"); d.flow("consult_split", "psych_assessment")
d.flow("legal_opinion", "consult_join"); d.flow("psych_assessment", "consult_join")
d.flow("consult_join", "mediate")
d.flow("mediate", "gw_mediated")
d.flow("gw_mediated", "record_outcome", "调解成功或撤回", 'result in ("resolved", "withdrawn")')
d.flow("gw_mediated", "next_step", "调解不成")
d.flow("tier_deadline", "tier_overdue")
d.flow("tier_overdue", "next_step")
d.flow("next_step", "gw_next")
d.flow("gw_next", "retry_mediation", "本级还有调解次数", 'ladder_move == "retry"')
d.flow("gw_next", "escalate_tier", "升级至上一级", 'ladder_move == "escalate"')
d.flow("gw_next", "guide_litigation", "最后一级仍调解不成")
d.flow("retry_mediation", "gw_round")
d.flow("escalate_tier", "gw_round")
d.flow("gw_round", "gw_consult")
d.flow("guide_litigation", "gw_wants_aid")
d.flow("gw_wants_aid", "call_legal_aid_l3", "申请法律援助", "wants_legal_aid")
d.flow("gw_wants_aid", "record_outcome", "暂不申请")
d.flow("call_legal_aid_l3", "record_outcome")
d.flow("tier_warning", "remind_supervisor")
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
