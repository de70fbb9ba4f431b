"""prevention_campaign (宣传/专项排查): plan around a key date (三八维权周, 5·15 国际家庭日), the plan approved
(有来必受: accept), wait for the start date (timer), publicity record and one screening report per assigned grid
(parallel multi-instance user task over `grids`), each flagged household turned into a dispute case (message
dispute_case_referred) or a key-family enrolment (message key_family_enrolment_requested) -- one message per
household, thrown inside a multi-instance subprocess over the household list --, counts summarised (script),
the summary recorded (有理必果: outcome) and the results reported (有果必公: feedback).

Usage: python prevention_campaign.py [PROJECT_ROOT]   (default the repository root; writes
processes/bpmn/prevention_campaign.bpmn under it). Layout with tools/diagrams/bpmnkit.py (not modified);
see care_campaign_common.py for the post-processing (multi-instance, subprocess planes, timeDate).
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram
import care_campaign_common as cc

ROOT = sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT
PID = "prevention_campaign"
MSG_REFER, MSG_ENROL = "campaign_msg_dispute_case_referred", "campaign_msg_key_family_enrolment_requested"
F = lambda name: {"formJsonSchemaFilename": f"campaign_{name}.schema.json",
                  "formUiSchemaFilename": f"campaign_{name}.uischema.json"}

BASIS_APPROVE = "活动方案报县妇联审批，3个工作日内批复（本地规定）"
BASIS_REJECTED = "方案未获批准的，5个工作日内备案并确定后续安排（本地规定）"
BASIS_REPORT = ("活动方案确定的排查截止日（活动结束日18时）前报送排查报告（反家庭暴力法第8条：乡镇人民政府、街道办事处"
                "组织开展家庭暴力预防工作，居（村）民委员会予以配合协助）")
BASIS_PUBLICITY = "活动结束日前记录宣传活动情况（反家庭暴力法第6条：妇女联合会在工作范围内组织开展家庭美德和反家庭暴力宣传教育）"
BASIS_REMIND = "排查报告逾期未报的，督办2日内督促（本地规定）"
BASIS_SUMMARY = "活动结束后5个工作日内完成总结（本地规定，有理必果）"
BASIS_PUBLISH = "总结后5个工作日内报告县妇联、通报活动结果（本地规定，有果必公）"

LANES = [("lane_supervisor", "督办"), ("lane_rights", "维权干部"), ("lane_clerk", "受理员")]
d = Diagram(PID, "宣传与专项排查活动", LANES, lane_order=["lane_rights", "lane_clerk", "lane_supervisor"],
            lane_heights={"lane_rights": 180, "lane_clerk": 200, "lane_supervisor": 380})
d.extra_root += [cc.message(MSG_REFER, "dispute_case_referred"),
                 cc.message(MSG_ENROL, "key_family_enrolment_requested")]
S_HI, S_MID, S_LO = -110, 10, 120   # rows in 督办

d.node("start", "startEvent", "制定专项活动方案", "lane_supervisor", 0, dy=S_MID, props=F("plan"))
d.node("schedule", "scriptTask", "排定活动日程", "lane_supervisor", 1, dy=S_MID, script=(
    "campaign_start_at = iso(add_hours(start_date, 9))\n"
    "reports_due = iso(add_hours(end_date, 18))\n"
    "summary_due = iso(add_hours(add_working_days(end_date, 5), 18))\n"
    "grid_count = len(grids)"),
    props={"auditEvent": "campaign_planned",
           "auditEventData": '{"key_date": key_date, "start": campaign_start_at, "reports_due": reports_due, '
                             '"grids": grid_count}'})
d.node("approve_plan", "userTask", "审批活动方案", "lane_rights", 2, props={
    **F("plan_approval"), "commitment": "accept", "dueAt": "add_working_days(now(), 3)",
    "deadlineBasis": BASIS_APPROVE, "auditEvent": "plan_reviewed", "auditEventData": '{"decision": plan_decision}'},
    instructions="{{ campaign_name }}：{{ start_date }} 至 {{ end_date }}，{{ grid_count }} 个网格参加。")
d.node("gw_approved", "exclusiveGateway", "是否批准", "lane_rights", 3, default="flow_gw_approved_wait_start")
d.node("plan_rejected", "userTask", "方案未获批准备案", "lane_supervisor", 4, dy=S_HI,
       post_script='outcome = "plan_rejected"', props={
           **F("plan_rejected"), "commitment": "outcome,feedback", "dueAt": "add_working_days(now(), 5)",
           "deadlineBasis": BASIS_REJECTED},
       instructions="县妇联不同意的理由：{{ reject_reason }}")
d.node("end_rejected", "endEvent", "未开展", "lane_supervisor", 5, dy=S_HI)
d.node("wait_start", "intermediateCatchEvent", "活动开始", "lane_supervisor", 4, dy=S_MID, timer="campaign_start_at",
       props={"auditEvent": "campaign_started", "auditEventData": '{"start": campaign_start_at}'})
d.node("split", "parallelGateway", "宣传与排查", "lane_supervisor", 5, dy=S_MID)
d.node("publicity", "userTask", "宣传活动记录", "lane_supervisor", 6, dy=S_LO, props={
    **F("publicity"), "dueAt": "reports_due", "deadlineBasis": BASIS_PUBLICITY})
d.node("screening_report", "userTask", "登记网格排查报告", "lane_clerk", 6, post_script=(
    "screening_report_entry = {\"grid\": grid, \"reporter\": reporter_name, \"reported_on\": reported_on,\n"
    "                          \"households_screened\": households_screened,\n"
    "                          \"flagged_households\": [dict(h, grid=grid) for h in flagged_households]}"), props={
    **F("screening_report"), "dueAt": "reports_due", "deadlineBasis": BASIS_REPORT,
    "auditEvent": "screening_reported",
    "auditEventData": '{"grid": grid, "screened": households_screened, "flagged": len(flagged_households)}'},
    instructions="登记网格 {{ grid }} 的排查报告（每个参加网格一份）。网格员报送的风险家庭逐户列明处置建议。")
d.node("remind_reports", "userTask", "催报排查报告", "lane_supervisor", 7, dy=S_HI, props={
    **F("report_reminder"), "dueAt": '"P2D"', "deadlineBasis": BASIS_REMIND,
    "auditEvent": "reports_overdue", "auditEventData": '{"due": reports_due}'})
d.node("end_reminded", "endEvent", "督促完毕", "lane_supervisor", 8, dy=S_HI)
d.node("join", "parallelGateway", "宣传与排查完成", "lane_supervisor", 8, dy=S_MID)
d.node("triage", "scriptTask", "分流标记家庭", "lane_supervisor", 9, dy=S_MID, script=(
    "flagged_list = [h for r in screening_reports for h in r[\"flagged_households\"]]\n"
    "dispute_referrals = [h for h in flagged_list if h[\"handling\"] == \"dispute_case\"]\n"
    "enrolment_requests = [h for h in flagged_list if h[\"handling\"] == \"key_family\"]\n"
    "dispute_referrals_sent = []\n"
    "enrolment_requests_sent = []"))
d.node("refer_disputes", "subProcess", "逐户转纠纷调处", "lane_supervisor", 10, dy=S_MID)
d.node("refer_enrolments", "subProcess", "逐户转重点家庭关爱", "lane_supervisor", 11, dy=S_MID)
d.node("summarise", "scriptTask", "汇总统计", "lane_supervisor", 12, dy=S_MID, script=(
    "summary_counts = {\n"
    "    \"grids_assigned\": len(grids),\n"
    "    \"reports_received\": len(screening_reports),\n"
    "    \"households_screened\": sum(r[\"households_screened\"] for r in screening_reports),\n"
    "    \"households_flagged\": len(flagged_list),\n"
    "    \"referred_to_dispute_case\": len(dispute_referrals_sent),\n"
    "    \"referred_to_key_family_care\": len(enrolment_requests_sent),\n"
    "    \"publicity_sessions\": publicity_sessions,\n"
    "    \"people_reached\": people_reached,\n"
    "}"), props={"auditEvent": "campaign_summarised", "auditEventData": "summary_counts"})
d.node("record_summary", "userTask", "活动总结", "lane_supervisor", 13, dy=S_MID,
       post_script='outcome = "campaign_completed"', props={
           **F("summary"), "commitment": "outcome", "dueAt": "summary_due",
           "deadlineBasis": BASIS_SUMMARY},
       instructions="排查 {{ summary_counts.households_screened }} 户，发现风险家庭 {{ summary_counts.households_flagged }} 户："
                    "转纠纷调处 {{ summary_counts.referred_to_dispute_case }} 户，纳入重点家庭关爱 "
                    "{{ summary_counts.referred_to_key_family_care }} 户；宣传 {{ summary_counts.publicity_sessions }} 场，"
                    "受众 {{ summary_counts.people_reached }} 人次。")
d.node("publish", "userTask", "通报活动结果", "lane_supervisor", 14, dy=S_MID, props={
    **F("publish"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_PUBLISH,
    "auditEvent": "campaign_published", "auditEventData": '{"to": published_to, "counts": summary_counts}'})
d.node("end", "endEvent", "活动结束", "lane_supervisor", 15, dy=S_MID)
d.boundary("reports_overdue", "screening_report", "排查报告逾期", "reports_due", cancel=False)

d.flow("start", "schedule")
d.flow("schedule", "approve_plan")
d.flow("approve_plan", "gw_approved")
d.flow("gw_approved", "plan_rejected", "不同意", 'plan_decision == "reject"')
d.flow("gw_approved", "wait_start", "同意")
d.flow("plan_rejected", "end_rejected")
d.flow("wait_start", "split")
d.flow("split", "publicity")
d.flow("split", "screening_report")
d.flow("publicity", "join")
d.flow("screening_report", "join")
d.flow("reports_overdue", "remind_reports")
d.flow("remind_reports", "end_reminded")
d.flow("join", "triage")
d.flow("triage", "refer_disputes")
d.flow("refer_disputes", "refer_enrolments")
d.flow("refer_enrolments", "summarise")
d.flow("summarise", "record_summary")
d.flow("record_summary", "publish")
d.flow("publish", "end")


# ---------------------------------------------------------------- one household per instance
def per_household(pid, name, message_ref, payload, audit_event, audit_data, record):
    s = Diagram(pid, name, [(f"{pid}_lane", "督办")], lane_heights={f"{pid}_lane": 160})
    s.node(f"{pid}_start", "startEvent", "逐户", f"{pid}_lane", 0)
    s.node(f"{pid}_prepare", "scriptTask", "生成转介记录", f"{pid}_lane", 1, script=record)
    s.node(f"{pid}_throw", "intermediateThrowEvent", name, f"{pid}_lane", 2, message_throw=(message_ref, payload),
           props={"auditEvent": audit_event, "auditEventData": audit_data})
    s.node(f"{pid}_end", "endEvent", "已转出", f"{pid}_lane", 3)
    s.flow(f"{pid}_start", f"{pid}_prepare")
    s.flow(f"{pid}_prepare", f"{pid}_throw")
    s.flow(f"{pid}_throw", f"{pid}_end")
    return s


refer = per_household(
    "refer_dispute", "转纠纷调处立案", MSG_REFER,
    '{"household_id": dispute_household["household_id"], "summary": dispute_household["risk_summary"], '
    '"dispute_type": dispute_household["dispute_type"], "channel": "grid_screening", '
    '"org_unit": dispute_household["grid"], "source": "prevention_campaign", "campaign": campaign_name}',
    "household_referred",
    '{"household_id": dispute_household["household_id"], "grid": dispute_household["grid"], "to": "dispute_case"}',
    'dispute_referral_record = {"household_id": dispute_household["household_id"], '
    '"grid": dispute_household["grid"], "referred_at": iso(now())}')
enrol = per_household(
    "request_enrolment", "转重点家庭关爱", MSG_ENROL,
    '{"household_id": enrolment_household["household_id"], "summary": enrolment_household["risk_summary"], '
    '"colour": enrolment_household["suggested_colour"], "reason": "screening_flagged", '
    '"org_unit": enrolment_household["grid"], "source": "prevention_campaign", "campaign": campaign_name}',
    "household_referred",
    '{"household_id": enrolment_household["household_id"], "grid": enrolment_household["grid"], "to": "key_family_care"}',
    'enrolment_request_record = {"household_id": enrolment_household["household_id"], '
    '"grid": enrolment_household["grid"], "colour": enrolment_household["suggested_colour"], "requested_at": iso(now())}')

# ================================================================ assemble
root = etree.fromstring(d.to_xml())
cc.time_dates(root, ["wait_start", "reports_overdue"])
cc.multi_instance(root, "screening_report", "grids", "grid", "screening_reports", "screening_report_entry")
cc.multi_instance(root, "refer_disputes", "dispute_referrals", "dispute_household",
                  "dispute_referrals_sent", "dispute_referral_record", sequential=True)
cc.multi_instance(root, "refer_enrolments", "enrolment_requests", "enrolment_household",
                  "enrolment_requests_sent", "enrolment_request_record", sequential=True)
cc.embed(root, "refer_disputes", refer, keep_lanes=True)
cc.embed(root, "refer_enrolments", enrol, keep_lanes=True)
cc.write(root, f"{ROOT}/processes/bpmn/prevention_campaign.bpmn")
