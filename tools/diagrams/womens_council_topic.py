"""womens_council_topic (妇女议事会议题): collect an issue -> 议题形成 -> 议事 (一事一议; monthly meeting, urgent
matters any time) -> 决议 -> 微项目 (plan, progress, completion; 三免: no fee fields) -> 反馈 -> 归档.

Writes the repository root/processes/bpmn/womens_council_topic.bpmn (or the file named by the first argument) with the
shared layout generator (bpmnkit, not modified here). bpmnkit writes every timer as timeDuration; the timers
listed in TIME_DATE get a timeDate instead (their expression names a variable holding an ISO date-time set
by a script).
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram, NS

OUT = sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT + "/processes/bpmn/womens_council_topic.bpmn"

LANES = [("lane_grid", "网格员"), ("lane_chair", "妇联主席"), ("lane_supervisor", "督办")]
d = Diagram("womens_council_topic", "妇女议事会议题", LANES,
            lane_order=["lane_grid", "lane_chair", "lane_supervisor"],
            lane_heights={"lane_grid": 180, "lane_chair": 400, "lane_supervisor": 180},
            col_widths={3: 200, 10: 190})
F = lambda name: {"formJsonSchemaFilename": f"council_{name}.schema.json",
                  "formUiSchemaFilename": f"council_{name}.uischema.json"}

HI, MID, LO = -110, 0, 110          # rows inside the 妇联主席 lane

BASIS_TOPIC = ("妇女议事会议事规则（本地规定）：议题线索收集后7日内由村（社区）妇联主席研究确定是否形成议题；"
               "不形成议题的，说明理由并直接答复提出人")
BASIS_MONTHLY = ("妇女议事会议事规则（本地规定）：每月召开一次（每月10日，遇节假日顺延至下一工作日），一事一议；"
                 "会议记录于会后1日内录入")
BASIS_URGENT = "妇女议事会议事规则（本地规定）：紧急事项随时召开，形成议题后3日内召开，一事一议"
BASIS_RESOLUTION = "妇女议事会议事规则（本地规定）：议事会后2日内整理并录入决议（备选方案、表决或协商一致、决定事项）"
BASIS_ANSWER = "妇女议事会议事规则（本地规定）：不形成议题的，确定之日起5日内直接答复提出人并说明理由"
BASIS_PLAN = "妇女议事会议事规则（本地规定）：决议实施微项目的，决议后7日内制定实施方案（三免：服务免费，不收取任何费用）"
BASIS_PROJECT = "妇女议事会议事规则（本地规定）：微项目原则上自立项之日起60日内完成；逾期由督办提醒"
BASIS_REMIND = "督办：微项目逾期未完成的，2日内督促落实（本地规定）"
BASIS_FEEDBACK = "办结后5个工作日内向提出人反馈并在村务公开栏公示（本地规定，有果必公）"

# ---------------------------------------------------------------- 收集议题线索 (grid worker)
d.node("start", "startEvent", "收集妇女诉求", "lane_grid", 0, props=F("issue"))
d.node("register", "scriptTask", "登记议题线索", "lane_grid", 1, script=(
    'registered_at = iso(now())\n'
    'handling_level = "village"\n'
    'raiser_count = len(raisers)\n'
    'topic_decide_by = iso(add_days(now(), 7))'),
    props={"auditEvent": "council_issue_registered",
           "auditEventData": '{"channel": channel, "category": category, "raiser_count": raiser_count, '
                             '"topic_decide_by": topic_decide_by}'})

# ---------------------------------------------------------------- 议题形成 (village federation chair)
d.node("form_topic", "userTask", "议题形成", "lane_chair", 2, dy=MID, props={
    **F("topic"), "commitment": "accept", "dueAt": "topic_decide_by", "deadlineBasis": BASIS_TOPIC,
    "auditEvent": "topic_decided", "auditEventData": '{"decision": topic_decision}'},
    instructions="研究提出的诉求是否属于妇女议事会议事范围：涉及妇女儿童共同利益、需要协商解决的，形成议题并确定"
                 "是否紧急；已有政策可解答、属个人纠纷或不属议事范围的，直接答复并说明理由（个人婚姻家庭纠纷转调解）。")
d.node("gw_topic", "exclusiveGateway", "是否形成议题", "lane_chair", 3, dy=MID, default="flow_gw_topic_schedule_meeting")
d.node("answer_directly", "userTask", "直接答复", "lane_chair", 4, dy=HI,
       post_script='outcome = "answered_directly"', props={
           **F("answer"), "commitment": "outcome", "dueAt": '"P5D"', "deadlineBasis": BASIS_ANSWER,
           "auditEvent": "answered_directly", "auditEventData": '{"referred_to": referred_to}'})

# ---------------------------------------------------------------- 议事: one matter one meeting
d.node("schedule_meeting", "scriptTask", "安排议事会议", "lane_chair", 4, dy=MID, script=(
    "meeting_day_of_month = 10\n"
    "if topic_urgent:\n"
    "    meeting_at = iso(now())\n"
    "    meeting_due_at = iso(add_days(now(), 3))\n"
    "else:\n"
    "    t = today()\n"
    "    if t.day < meeting_day_of_month:\n"
    "        day = date(t.year, t.month, meeting_day_of_month)\n"
    "    elif t.month == 12:\n"
    "        day = date(t.year + 1, 1, meeting_day_of_month)\n"
    "    else:\n"
    "        day = date(t.year, t.month + 1, meeting_day_of_month)\n"
    "    if not is_working_day(day):\n"
    "        day = add_working_days(day, 1)\n"
    "    meeting_at = iso(add_hours(day, 9))\n"
    "    meeting_due_at = iso(add_days(parse_datetime(meeting_at), 1))\n"
    "    del t, day"),
    props={"auditEvent": "meeting_scheduled",
           "auditEventData": '{"urgent": topic_urgent, "meeting_at": meeting_at, "meeting_due_at": meeting_due_at}'})
d.node("gw_urgent", "exclusiveGateway", "是否紧急", "lane_chair", 5, dy=MID, default="flow_gw_urgent_wait_meeting")
d.node("urgent_meeting", "intermediateThrowEvent", "紧急事项随时召开", "lane_chair", 6, dy=LO, props={
    "auditEvent": "urgent_meeting_called", "auditEventData": '{"meeting_due_at": meeting_due_at}'})
d.node("wait_meeting", "intermediateCatchEvent", "等待月度例会", "lane_chair", 6, dy=MID, timer="meeting_at")
d.node("meeting_merge", "exclusiveGateway", "汇合", "lane_chair", 7, dy=MID)
d.node("hold_meeting", "userTask", "召开议事会（一事一议）", "lane_chair", 8, dy=MID, props={
    **F("meeting"), "dueAt": "meeting_due_at",
    "deadlineBasisExpression": f'"{BASIS_URGENT}" if topic_urgent else "{BASIS_MONTHLY}"',
    "priority": "3 if topic_urgent else 1",
    "auditEvent": "meeting_held", "auditEventData": '{"urgent": topic_urgent, "members_present": members_present}'},
    instructions="一事一议：本次会议只议这一个议题。邀请提出人列席陈述，听取各方意见，提出可选方案。")
d.node("record_resolution", "userTask", "形成决议", "lane_chair", 9, dy=MID,
       post_script="outcome = resolution_action", props={
           **F("resolution"), "commitment": "outcome", "dueAt": '"P2D"', "deadlineBasis": BASIS_RESOLUTION,
           "auditEvent": "resolution_recorded",
           "auditEventData": '{"method": decision_method, "action": resolution_action}'})
d.node("gw_project", "exclusiveGateway", "是否实施微项目", "lane_chair", 10, dy=MID, default="flow_gw_project_plan_project")

# ---------------------------------------------------------------- 微项目: plan, progress, completion (no fee fields)
d.node("plan_project", "userTask", "微项目立项", "lane_chair", 11, dy=MID,
       post_script="project_due_at = iso(add_days(now(), 60))", props={
           **F("project_plan"), "dueAt": '"P7D"', "deadlineBasis": BASIS_PLAN,
           "auditEvent": "project_planned", "auditEventData": '{"project_name": project_name}'})
d.node("implement_project", "userTask", "微项目实施进展", "lane_chair", 12, dy=MID, loop="not project_finished",
       props={**F("project_progress"), "dueAt": "project_due_at", "deadlineBasis": BASIS_PROJECT},
       instructions="每次推进后登记一次进展；项目全部完成时勾选“项目已完成”，转入办结。")
d.node("complete_project", "userTask", "微项目办结", "lane_chair", 13, dy=MID,
       post_script='outcome = "project_completed"', props={
           **F("project_completion"), "commitment": "outcome", "dueAt": "project_due_at",
           "deadlineBasis": BASIS_PROJECT,
           "auditEvent": "project_completed", "auditEventData": '{"beneficiaries": beneficiaries}'})
d.node("remind_project", "userTask", "微项目督办提醒", "lane_supervisor", 13, props={
    **F("project_reminder"), "dueAt": '"P2D"', "deadlineBasis": BASIS_REMIND})
d.node("end_reminded", "endEvent", "督办完毕", "lane_supervisor", 14)
d.boundary("project_overdue", "implement_project", "60日未完成", "project_due_at", cancel=False, props={
    "auditEvent": "project_overdue", "auditEventData": '{"project_due_at": project_due_at}'})

# ---------------------------------------------------------------- 反馈, 归档
d.node("report_back", "userTask", "反馈提出人", "lane_chair", 14, dy=MID, props={
    **F("feedback"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_FEEDBACK,
    "auditEvent": "raisers_informed", "auditEventData": '{"method": feedback_method, "satisfaction": raisers_satisfaction}'})
d.node("close_topic", "scriptTask", "归档", "lane_chair", 15, dy=MID,
       script="closed_at = iso(now())",
       props={"auditEvent": "council_topic_closed", "auditEventData": '{"outcome": outcome, "category": category}'})
d.node("end_closed", "endEvent", "办结归档", "lane_chair", 16, dy=MID)

TIME_DATE = {"wait_meeting", "project_overdue"}   # timers whose expression names an ISO date-time variable

# ---------------------------------------------------------------- flows
d.flow("start", "register")
d.flow("register", "form_topic")
d.flow("form_topic", "gw_topic")
d.flow("gw_topic", "schedule_meeting", "形成议题")
d.flow("gw_topic", "answer_directly", "不形成议题：直接答复", 'topic_decision == "answer_directly"')
d.flow("answer_directly", "report_back")
d.flow("schedule_meeting", "gw_urgent")
d.flow("gw_urgent", "urgent_meeting", "紧急", "topic_urgent")
d.flow("gw_urgent", "wait_meeting", "月度例会")
d.flow("urgent_meeting", "meeting_merge")
d.flow("wait_meeting", "meeting_merge")
d.flow("meeting_merge", "hold_meeting")
d.flow("hold_meeting", "record_resolution")
d.flow("record_resolution", "gw_project")
d.flow("gw_project", "plan_project", "实施微项目")
d.flow("gw_project", "report_back", "无需立项", 'resolution_action != "micro_project"')
d.flow("plan_project", "implement_project")
d.flow("implement_project", "complete_project")
d.flow("project_overdue", "remind_project")
d.flow("remind_project", "end_reminded")
d.flow("complete_project", "report_back")
d.flow("report_back", "close_topic")
d.flow("close_topic", "end_closed")


def with_time_dates(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for el in root.iter("{%s}boundaryEvent" % NS["bpmn"], "{%s}intermediateCatchEvent" % NS["bpmn"]):
        if el.get("id") in TIME_DATE:
            spec = el.find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
            spec.tag = "{%s}timeDate" % NS["bpmn"]
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


open(OUT, "wb").write(with_time_dates(d.to_xml()))
print("written", OUT)
