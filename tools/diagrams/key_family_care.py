"""key_family_care (重点家庭关爱): enrol a household with a colour, visit on its schedule, re-grade after every
visit, refer a new risk to dispute handling (message dispute_case_referred) and keep caring, exit after
sustained low risk (two consecutive blue visits) or by the supervisor's decision, record the exit, tell the family.

Usage: python key_family_care.py [PROJECT_ROOT]   (default the repository root; writes processes/bpmn/key_family_care.bpmn
and processes/bpmn/key_family_care_visit_schedule.dmn under it)

Layout with the shared generator tools/diagrams/bpmnkit.py (not modified); see care_campaign_common.py for what is
post-processed (the looped visit subprocess and its plane, the message start's variable).

Why the visits are a looped *subprocess* rather than a looped user task: a visit that finds a new risk must
throw a message and the care must go on, and the supervisor's exit decision belongs to the round it follows;
nothing can run between the rounds of a looped single task. The subprocess is taken out of the outer lanes so
that its inner lanes (网格员, 督办) route its tasks (SpiffWorkflow gives everything inside a subprocess that sits
in a lane that lane).

Two start events: the none start is the grid worker's own enrolment (start form); the message start takes a
key_family_enrolment_requested message (a screening campaign's flagged household). When a message starts an
instance, the engine runs only the start event that catches it (engine/runtime/runtime.py
cancel_other_start_events), so each start has its own short path into 建档汇合.
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram
from dmnkit import table
import care_campaign_common as cc

ROOT = sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT
PID = "key_family_care"
MSG_REFER, MSG_ENROL = "kfc_msg_dispute_case_referred", "kfc_msg_key_family_enrolment_requested"
F = lambda name: {"formJsonSchemaFilename": f"key_family_{name}.schema.json",
                  "formUiSchemaFilename": f"key_family_{name}.uischema.json"}

VISIT_RULE = "（本地重点家庭分级走访规定）"
BASIS_REVIEW = "建档后3个工作日内审核纳入；红色家庭24小时内（本地规定）"
BASIS_EXIT = "退出关爱后5个工作日内记录关爱情况（本地规定，有理必果）"
BASIS_TELL = "退出关爱结果5个工作日内告知家庭（本地规定，有果必公）"
BASIS_NOT_ENROLLED = "不予纳入的，5个工作日内告知家庭并说明其他帮扶渠道（本地规定，有果必公）"
BASIS_EXIT_REVIEW = "网格员建议退出关爱的，督办5个工作日内审核（本地规定）"

# ================================================================ DMN: visit frequency by colour
dmn = table("key_family_visit_schedule_definitions", "重点家庭走访频次", "key_family_visit_schedule",
            "重点家庭走访频次（按风险颜色）",
            [("in_colour", "风险颜色", "colour", "string")],
            [("out_months", "走访间隔（月）", "visit_interval_months", "integer"),
             ("out_frequency", "走访频次", "visit_frequency", "string"),
             ("out_basis", "走访时限依据", "visit_basis", "string")],
            [(['"red"'], ["1", '"每月一次"', f'"红色家庭每月走访一次{VISIT_RULE}；收到告诫书的家庭应当查访（反家庭暴力法第17条）"'], "红色：每月"),
             (['"orange"'], ["1", '"每月一次"', f'"橙色家庭每月走访一次{VISIT_RULE}"'], "橙色：每月"),
             (['"yellow"'], ["3", '"每季度一次"', f'"黄色家庭每季度走访一次{VISIT_RULE}"'], "黄色：每季度"),
             (['"blue"'], ["6", '"每半年一次"', f'"蓝色家庭每半年走访一次{VISIT_RULE}"'], "蓝色：每半年"),
             (["-"], ["1", '"每月一次"', f'"颜色未评定，按每月一次从严走访{VISIT_RULE}"'], "其他：从严")])

# ================================================================ outer process
LANES = [("lane_grid", "网格员"), ("lane_village", "村调解员")]
d = Diagram(PID, "重点家庭关爱", LANES, lane_heights={"lane_grid": 380, "lane_village": 260})
d.extra_root += [cc.message(MSG_REFER, "dispute_case_referred"), cc.message(MSG_ENROL, "key_family_enrolment_requested")]
MAIN, MSG = -100, 60                # rows in 网格员
V_HI, V_LO = -50, 70                # rows in 村调解员

d.node("start", "startEvent", "重点家庭建档", "lane_grid", 0, dy=MAIN, props=F("enrolment"))
d.node("msg_start", "startEvent", "收到纳入关爱申请", "lane_grid", 0, dy=MSG, message_start=MSG_ENROL)
d.node("detect_source", "scriptTask", "直接建档", "lane_grid", 1, dy=MAIN, script='enrolment_source = "direct"')
d.node("import_request", "scriptTask", "导入纳入申请", "lane_grid", 1, dy=MSG, script=(
    'household_id = enrolment["household_id"]\n'
    'grid_id = enrolment.get("org_unit") or ""\n'
    'colour = enrolment.get("colour") or "yellow"\n'
    'reason = enrolment.get("reason") or "screening_flagged"\n'
    'reason_detail = enrolment.get("summary") or ""\n'
    'members = enrolment.get("members") or []\n'
    'linked_case_no = enrolment.get("linked_case_no") or ""\n'
    'enrolment_source = enrolment.get("source") or "message"\n'
    'source_campaign = enrolment.get("campaign") or ""'),
    props={"auditEvent": "enrolment_requested",
           "auditEventData": '{"household_id": household_id, "source": enrolment_source, "colour": colour}'})
d.node("merge_enrol", "exclusiveGateway", "建档汇合", "lane_grid", 2, dy=MAIN)
d.node("register", "scriptTask", "登记建档", "lane_grid", 3, dy=MAIN, script=(
    "enrolled_on = iso(today())\n"
    'handling_level = "village"\n'
    "visit_count = 0\n"
    "consecutive_blue = 0\n"
    "last_visit_on = None\n"
    "care_exit = False\n"
    "exit_reason = None"),
    props={"auditEvent": "household_enrolled",
           "auditEventData": '{"household_id": household_id, "colour": colour, "reason": reason, '
                             '"source": enrolment_source}'})
d.node("review_enrolment", "userTask", "审核纳入", "lane_village", 4, dy=V_HI,
       post_script='colour = confirmed_colour if decision == "enrol" else colour', props={
           **F("review"), "commitment": "accept",
           "dueAt": 'add_hours(now(), 24) if colour == "red" else add_working_days(now(), 3)',
           "deadlineBasis": BASIS_REVIEW, "priority": "{'red': 4, 'orange': 3, 'yellow': 2}.get(colour, 1)",
           "auditEvent": "enrolment_reviewed", "auditEventData": '{"decision": decision, "colour": colour}'},
       instructions="核实户编号 {{ household_id }} 的纳入原因和风险颜色；红色、橙色家庭同时关注是否已有纠纷案件在办"
                    "（关联案件编号：{{ linked_case_no }}）。")
d.node("gw_enrolled", "exclusiveGateway", "是否纳入", "lane_village", 5, dy=V_HI,
       default="flow_gw_enrolled_visit_cycle")
d.node("notify_not_enrolled", "userTask", "告知不予纳入", "lane_village", 6, dy=V_LO,
       post_script='outcome = "not_enrolled"', props={
           **F("not_enrolled"), "commitment": "outcome,feedback", "dueAt": "add_working_days(now(), 5)",
           "deadlineBasis": BASIS_NOT_ENROLLED})
d.node("visit_cycle", "subProcess", "定期走访（按颜色频次）", "lane_grid", 6, dy=MAIN, loop="not care_exit")
d.node("record_exit", "userTask", "记录退出关爱", "lane_village", 7, dy=V_HI,
       post_script='outcome = "care_exited"', props={
           **F("exit_record"), "commitment": "outcome", "dueAt": "add_working_days(now(), 5)",
           "deadlineBasis": BASIS_EXIT, "auditEvent": "care_exit_recorded",
           "auditEventData": '{"exit_reason": exit_reason, "final_colour": colour, "visits": visit_count}'})
d.node("tell_household", "userTask", "告知家庭退出关爱", "lane_grid", 8, dy=MAIN, props={
    **F("exit_notice"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_TELL})
d.node("close_care", "scriptTask", "结束关爱归档", "lane_grid", 9, dy=MAIN,
       script="closed_on = iso(today())",
       props={"auditEvent": "care_closed", "auditEventData": '{"outcome": outcome, "exit_reason": exit_reason}'})
d.node("end", "endEvent", "关爱结束", "lane_grid", 10, dy=MAIN)

d.flow("start", "detect_source")
d.flow("detect_source", "merge_enrol")
d.flow("msg_start", "import_request")
d.flow("import_request", "merge_enrol")
d.flow("merge_enrol", "register")
d.flow("register", "review_enrolment")
d.flow("review_enrolment", "gw_enrolled")
d.flow("gw_enrolled", "notify_not_enrolled", "不予纳入", 'decision == "decline"')
d.flow("gw_enrolled", "visit_cycle", "纳入关爱")
d.flow("notify_not_enrolled", "close_care")
d.flow("visit_cycle", "record_exit")
d.flow("record_exit", "tell_household")
d.flow("tell_household", "close_care")
d.flow("close_care", "end")

# ================================================================ one round of visits (inside visit_cycle)
IN_LANES = [("cycle_lane_grid", "网格员"), ("cycle_lane_supervisor", "督办")]
c = Diagram("visit_cycle_inner", "定期走访", IN_LANES, lane_heights={"cycle_lane_grid": 300, "cycle_lane_supervisor": 180})
HI, LO = -70, 60
PLAN_VISIT = (
    "base = parse_date(last_visit_on if last_visit_on else enrolled_on)\n"
    "months = base.month - 1 + visit_interval_months\n"
    "year = base.year + months // 12\n"
    "month = months % 12 + 1\n"
    "leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)\n"
    "month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]\n"
    "next_visit_due = iso(add_hours(date(year, month, min(base.day, month_days)), 18))\n"
    "del base, months, year, month, leap, month_days")
REGRADE = (
    "colour = new_colour\n"
    "visit_count = visit_count + 1\n"
    "last_visit_on = visited_on\n"
    'consecutive_blue = consecutive_blue + 1 if colour == "blue" and not new_risk_found else 0')
c.node("round_start", "startEvent", "本轮走访", "cycle_lane_grid", 0, dy=LO)
c.node("visit_schedule", "businessRuleTask", "确定走访频次", "cycle_lane_grid", 1, dy=LO,
       decision="key_family_visit_schedule")
c.node("plan_visit", "scriptTask", "排定走访日期", "cycle_lane_grid", 2, dy=LO, script=PLAN_VISIT, props={
    "auditEvent": "visit_scheduled",
    "auditEventData": '{"colour": colour, "frequency": visit_frequency, "due": next_visit_due}'})
c.node("visit_household", "userTask", "重点家庭走访", "cycle_lane_grid", 3, dy=LO, post_script=REGRADE, props={
    **F("visit"), "dueAt": "next_visit_due", "deadlineBasisExpression": "visit_basis",
    "priority": "{'red': 4, 'orange': 3, 'yellow': 2}.get(colour, 1)",
    "auditEvent": "visit_recorded",
    "auditEventData": '{"visit_no": visit_count, "colour": colour, "new_risk_found": new_risk_found, '
                      '"visited_on": visited_on}'},
    instructions="第 {{ visit_count + 1 }} 次走访，户编号 {{ household_id }}，当前颜色 {{ colour }}（{{ visit_frequency }}）。"
                 "走访后重新评定颜色；发现新的矛盾纠纷勾选“发现新的矛盾纠纷或风险”，系统即转纠纷调处，关爱继续。")
c.node("gw_new_risk", "exclusiveGateway", "发现新风险", "cycle_lane_grid", 4, dy=LO, default="flow_gw_new_risk_merge_risk")
c.node("refer_dispute", "intermediateThrowEvent", "转纠纷调处", "cycle_lane_grid", 5, dy=HI, message_throw=(
    MSG_REFER,
    '{"household_id": household_id, "summary": new_risk_summary, "dispute_type": new_risk_type, '
    '"channel": "grid_screening", "org_unit": grid_id, "source": "key_family_care"}'),
    props={"auditEvent": "new_risk_referred",
           "auditEventData": '{"household_id": household_id, "dispute_type": new_risk_type, "visit_no": visit_count}'})
c.node("merge_risk", "exclusiveGateway", "汇合", "cycle_lane_grid", 6, dy=LO)
c.node("gw_exit", "exclusiveGateway", "是否退出关爱", "cycle_lane_grid", 7, dy=LO, default="flow_gw_exit_round_end")
c.node("sustained_low_risk", "scriptTask", "连续两次蓝色：退出关爱", "cycle_lane_grid", 8, dy=HI,
       script='care_exit = True\nexit_reason = "sustained_low_risk"',
       props={"auditEvent": "exit_criteria_met", "auditEventData": '{"consecutive_blue": consecutive_blue}'})
c.node("round_end", "endEvent", "本轮结束", "cycle_lane_grid", 9, dy=LO)
c.node("exit_review", "userTask", "退出关爱审核", "cycle_lane_supervisor", 8, post_script=(
    'care_exit = exit_decision == "exit"\n'
    'exit_reason = "supervisor_decision" if care_exit else None'), props={
    **F("exit_review"), "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_EXIT_REVIEW,
    "auditEvent": "exit_reviewed", "auditEventData": '{"decision": exit_decision}'},
    instructions="网格员建议退出关爱：{{ exit_proposal_reason }}。同意则本轮走访后退出，否则按颜色频次继续走访。")
c.node("review_end", "endEvent", "审核完毕", "cycle_lane_supervisor", 9)
c.flow("round_start", "visit_schedule")
c.flow("visit_schedule", "plan_visit")
c.flow("plan_visit", "visit_household")
c.flow("visit_household", "gw_new_risk")
c.flow("gw_new_risk", "refer_dispute", "有", "new_risk_found")
c.flow("gw_new_risk", "merge_risk", "无")
c.flow("refer_dispute", "merge_risk")
c.flow("merge_risk", "gw_exit")
c.flow("gw_exit", "sustained_low_risk", "连续两次蓝色", "consecutive_blue >= 2")
c.flow("gw_exit", "exit_review", "建议退出", "propose_exit")
c.flow("gw_exit", "round_end", "继续关爱")
c.flow("sustained_low_risk", "round_end")
c.flow("exit_review", "review_end")

# ================================================================ assemble
root = etree.fromstring(d.to_xml())
cc.message_variable(root, "msg_start", "enrolment")
cc.out_of_lanes(root, "visit_cycle")
cc.embed(root, "visit_cycle", c, keep_lanes=True)
cc.write(root, f"{ROOT}/processes/bpmn/key_family_care.bpmn")
with open(f"{ROOT}/processes/bpmn/key_family_care_visit_schedule.dmn", "w", encoding="utf-8") as f:
    f.write(dmn)
print("written", f"{ROOT}/processes/bpmn/key_family_care_visit_schedule.dmn")
