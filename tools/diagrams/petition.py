"""petition (信访事项办理), 信访工作条例 (2022): 接访 -> 上报 -> 研讨 -> 督导 -> 跟踪.

Writes the repository root/processes/bpmn/petition.bpmn with the shared layout generator (bpmnkit, not modified
here). bpmnkit writes every boundary timer as timeDuration; the boundaries listed in TIME_DATE get a
timeDate instead (their expression names a variable holding an ISO date-time set by a script).
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram, NS

LANES = [("lane_intake", "受理员"), ("lane_rights", "维权干部"), ("lane_city", "市妇联维权干部"),
         ("lane_supervisor", "督办")]
d = Diagram("petition", "信访事项办理", LANES,
            lane_order=["lane_city", "lane_intake", "lane_rights", "lane_supervisor"],
            lane_heights={"lane_city": 200, "lane_intake": 280, "lane_rights": 480, "lane_supervisor": 280})
F = lambda name: {"formJsonSchemaFilename": f"petition_{name}.schema.json",
                  "formUiSchemaFilename": f"petition_{name}.uischema.json"}

# rows inside the taller lanes
IN_MAIN, IN_LOW = -60, 70          # 受理员
A, B, C = -150, 0, 150             # 维权干部: transfer/extension row, main row, not-accepted/follow-up row
SUP_HI, SUP_LO = -60, 70           # 督办

BASIS_ROUTE = "信访工作条例（2022）第22-23条：自收到信访事项之日起15日内决定受理、转送交办或不予受理，并书面告知信访人"
BASIS_RETURN = ("信访工作条例（2022）第23条：上级转送、交办的信访事项不属于本机关职权范围的，自收到之日起5个工作日内"
                "提出异议并详细说明理由，经核实同意后交还相关材料（按工作日计，节假日、调休见工作日历）")
BASIS_HANDLE = "信访工作条例（2022）第34条：信访事项应当自受理之日起60日内办结"
BASIS_EXTEND = ("信访工作条例（2022）第34条：情况复杂的，经本机关负责人批准可适当延长办理期限，延长不得超过30日，"
                "并告知信访人延期理由")
BASIS_REVIEW = "信访工作条例（2022）第35条：收到复查请求之日起30日内提出复查意见，并予以书面答复"
BASIS_RE_REVIEW = "信访工作条例（2022）第36条：收到复核请求之日起30日内提出复核意见；复核后以同一事实和理由再提出的，不再受理"

# ---------------------------------------------------------------- 接访 (intake)
d.node("start", "startEvent", "收到信访事项", "lane_intake", 0, dy=IN_MAIN, props=F("intake"))
d.node("register", "scriptTask", "登记信访事项", "lane_intake", 1, dy=IN_MAIN, script=(
    "registered_at = iso(now())\n"
    "route_decide_by = iso(add_days(now(), 15))\n"
    "route_warn_at = iso(add_days(now(), 12))"),
    props={"auditEvent": "petition_registered", "auditEventData": '{"channel": channel, "route_decide_by": route_decide_by}'})
d.node("receive_visit", "userTask", "接访", "lane_intake", 2, dy=IN_MAIN, props=F("reception"),
       instructions="听取信访人诉求，核实事实和理由，判断是否属于重点信访事项。检举、控告材料只记入敏感字段，"
                    "不得透露或转给被检举、控告的人员或单位（信访工作条例第30条）。")
d.node("gw_key", "exclusiveGateway", "是否重点信访", "lane_intake", 3, dy=IN_MAIN, default="flow_gw_key_key_merge")
d.node("report_key_case", "intermediateThrowEvent", "重点信访直报市妇联", "lane_city", 4, props={
    "auditEvent": "key_case_reported", "auditEventData": '{"reasons": key_case_reasons}'})
d.node("key_split", "parallelGateway", "直报并同步办理", "lane_city", 5)
d.node("city_key_review", "userTask", "市妇联研判督导", "lane_city", 6, props={
    **F("city_review"), "dueAt": '"P3D"', "deadlineBasis": "重点信访事项直报市妇联，3日内研判并提出督导意见（本地规定）",
    "auditEvent": "key_case_reviewed", "auditEventData": '{"handling_mode": handling_mode}'})
d.node("end_key_reported", "endEvent", "直报完毕", "lane_city", 7)
d.node("key_merge", "exclusiveGateway", "汇合", "lane_intake", 6, dy=IN_MAIN)
d.node("report_to_county", "scriptTask", "上报县妇联", "lane_intake", 7, dy=IN_MAIN,
       script='handling_level = "county"',
       props={"auditEvent": "petition_reported", "auditEventData": '{"to_level": "county", "key_case": is_key_case}'})

# ---------------------------------------------------------------- 上报: decide the route within 15 days
d.node("decide_route", "userTask", "审查并决定办理方式", "lane_rights", 8, dy=B, props={
    **F("route"), "commitment": "accept", "dueAt": "route_decide_by", "deadlineBasis": BASIS_ROUTE})
d.node("gw_route", "exclusiveGateway", "办理方式", "lane_rights", 9, dy=B, default="flow_gw_route_start_handling")

# not accepted: reason, told in writing
d.node("notify_not_accepted", "userTask", "书面告知不予受理", "lane_rights", 10, dy=C,
       post_script='outcome = "not_accepted"', props={
           **F("not_accepted"), "commitment": "outcome,feedback", "dueAt": "route_decide_by",
           "deadlineBasis": BASIS_ROUTE})
d.node("close_not_accepted", "scriptTask", "办结归档", "lane_rights", 11, dy=C,
       script='closure = "not_accepted"\nclosed_at = iso(now())',
       props={"auditEvent": "petition_closed", "auditEventData": '{"closure": closure, "outcome": outcome}'})
d.node("end_not_accepted", "endEvent", "不予受理办结", "lane_rights", 12, dy=C)

# transferred down but outside the remit: object and return within 5 working days
d.node("set_return_by", "scriptTask", "计算异议交还期限", "lane_rights", 10, dy=A, script=(
    "return_by = iso(add_working_days(parse_datetime(registered_at), 5))"),
    props={"auditEvent": "return_deadline_set", "auditEventData": '{"return_by": return_by}'})
d.node("object_return", "userTask", "提出异议并交还材料", "lane_rights", 11, dy=A,
       post_script='outcome = "returned_to_transferring_organ"', props={
           **F("return"), "commitment": "outcome", "dueAt": "return_by", "deadlineBasis": BASIS_RETURN})
d.node("notify_transfer", "userTask", "告知信访人去向", "lane_rights", 12, dy=A, props={
    **F("notify_transfer"), "commitment": "feedback", "dueAt": "route_decide_by",
    "deadlineBasis": "信访工作条例（2022）第23条：告知信访人转送、交办去向（收到之日起15日内书面告知）"})
d.node("close_transferred", "scriptTask", "办结归档", "lane_rights", 13, dy=A,
       script='closure = "returned"\nclosed_at = iso(now())',
       props={"auditEvent": "petition_closed", "auditEventData": '{"closure": closure, "outcome": outcome}'})
d.node("end_transferred", "endEvent", "已交还", "lane_rights", 14, dy=A)

# ---------------------------------------------------------------- 研讨: handled within 60 days of acceptance
d.node("start_handling", "scriptTask", "受理立案", "lane_rights", 12, dy=B, script=(
    "accepted_at = iso(now())\n"
    "handle_by = iso(add_days(now(), 60))\n"
    "handle_warn_at = iso(add_days(now(), 50))\n"
    "decide_by = handle_by\n"
    "extension_approved = False"),
    props={"auditEvent": "petition_accepted", "auditEventData": '{"handle_by": handle_by}'})
d.node("study", "userTask", "研讨办理", "lane_rights", 13, dy=B, props={
    **F("study"), "dueAt": "handle_by", "deadlineBasis": BASIS_HANDLE},
    instructions="调查核实，必要时召开联席会议会商；情况复杂、60日内确难办结的，提出延期申请并说明理由。")
d.node("gw_ext", "exclusiveGateway", "是否申请延期", "lane_rights", 14, dy=B, default="flow_gw_ext_issue_decision")
d.node("approve_extension", "userTask", "延期审批", "lane_supervisor", 15, dy=SUP_HI, props={
    **F("extension_approval"), "dueAt": "handle_by", "deadlineBasis": BASIS_EXTEND})
d.node("gw_approved", "exclusiveGateway", "是否批准延期", "lane_supervisor", 16, dy=SUP_HI,
       default="flow_gw_approved_issue_decision")
d.node("extend_deadline", "scriptTask", "延长办理期限", "lane_rights", 16, dy=A, script=(
    "extended_by = iso(add_days(parse_datetime(handle_by), extension_days))\n"
    "extended_warn_at = iso(add_days(parse_datetime(extended_by), -5))\n"
    "decide_by = extended_by"),
    props={"auditEvent": "deadline_extended",
           "auditEventData": '{"days": extension_days, "extended_by": extended_by}'})
d.node("notify_extension", "userTask", "告知信访人延期理由", "lane_rights", 17, dy=A, props={
    **F("notify_extension"), "dueAt": "handle_by", "deadlineBasis": BASIS_EXTEND})
d.node("extended_handling", "userTask", "延期办理", "lane_rights", 18, dy=A, props={
    **F("extended_handling"), "dueAt": "extended_by", "deadlineBasis": BASIS_EXTEND})

# ---------------------------------------------------------------- 督导: warnings and overdue supervision
d.node("remind_supervisor", "userTask", "督导提醒", "lane_supervisor", 10, dy=SUP_HI, props={
    **F("reminder"), "dueAt": '"P2D"', "deadlineBasis": "督导：临近法定期限前提醒办理（本地规定：2日内督促）"})
d.node("end_reminded", "endEvent", "督导完毕", "lane_supervisor", 11, dy=SUP_HI)
d.node("overdue_supervision", "userTask", "逾期督办", "lane_supervisor", 18, dy=SUP_LO, props={
    **F("overdue"), "dueAt": '"P2D"', "deadlineBasis": "逾期未办结的信访事项2日内督办（本地规定）；" + BASIS_HANDLE,
    "auditEvent": "overdue_supervised", "auditEventData": '{"deadline": decide_by}'})

# ---------------------------------------------------------------- written decision and feedback
d.node("issue_decision", "userTask", "出具处理意见书", "lane_rights", 20, dy=B,
       post_script="outcome = decision_type", props={
           **F("decision"), "commitment": "outcome", "dueAt": "decide_by",
           "deadlineBasisExpression": f'"{BASIS_EXTEND}" if extension_approved else "{BASIS_HANDLE}"',
           "auditEvent": "decision_issued", "auditEventData": '{"decision_type": decision_type}',
           "documents": "petition_decision"})
d.node("deliver_decision", "userTask", "送达处理意见书", "lane_rights", 21, dy=B,
       post_script="review_request_by = iso(add_days(parse_datetime(delivered_at), 30))", props={
           **F("feedback"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)",
           "deadlineBasis": "信访工作条例（2022）第32条：处理意见书书面答复信访人；本地规定出具后5个工作日内送达"})

# ---------------------------------------------------------------- 跟踪: follow-up, review, re-review
d.node("track_split", "parallelGateway", "跟踪", "lane_rights", 22, dy=B)
d.node("follow_up", "userTask", "跟踪回访", "lane_rights", 23, dy=C, props={
    **F("follow_up"), "dueAt": '"P15D"', "deadlineBasis": "处理意见落实情况送达后15日内回访（本地规定）",
    "auditEvent": "follow_up_recorded", "auditEventData": '{"attitude": petitioner_attitude}'})
d.node("end_followed", "endEvent", "跟踪完毕", "lane_rights", 24, dy=C)
d.node("review_request", "userTask", "登记复查请求", "lane_intake", 23, dy=IN_MAIN, props={
    **F("review_request"), "dueAt": "review_request_by",
    "deadlineBasis": "信访工作条例（2022）第35条：信访人可自收到书面答复之日起30日内请求上一级机关复查；期满未请求的办结",
    "auditEvent": "review_requested"})
d.node("close_no_review", "scriptTask", "办结归档", "lane_intake", 24, dy=IN_LOW,
       script='closure = "no_review_requested"\nclosed_at = iso(now())',
       props={"auditEvent": "petition_closed", "auditEventData": '{"closure": closure, "outcome": outcome}'})
d.node("end_no_review", "endEvent", "办结", "lane_intake", 25, dy=IN_LOW)
d.node("review", "userTask", "复查", "lane_city", 24, post_script=(
    "re_review_request_by = iso(add_days(parse_datetime(review_answered_at), 30))"), props={
    **F("review"), "commitment": "outcome,feedback", "dueAt": '"P30D"', "deadlineBasis": BASIS_REVIEW,
    "auditEvent": "review_answered", "auditEventData": '{"result": review_result}'})
d.node("re_review_request", "userTask", "登记复核请求", "lane_intake", 25, dy=IN_MAIN, props={
    **F("re_review_request"), "dueAt": "re_review_request_by",
    "deadlineBasis": "信访工作条例（2022）第36条：信访人可自收到复查意见之日起30日内请求复核；期满未请求的办结",
    "auditEvent": "re_review_requested"})
d.node("close_after_review", "scriptTask", "办结归档", "lane_intake", 26, dy=IN_LOW,
       script='closure = "closed_after_review"\nclosed_at = iso(now())',
       props={"auditEvent": "petition_closed", "auditEventData": '{"closure": closure, "outcome": outcome}'})
d.node("end_after_review", "endEvent", "办结", "lane_intake", 27, dy=IN_LOW)
d.node("re_review", "userTask", "复核", "lane_city", 26, props={
    **F("re_review"), "commitment": "outcome,feedback", "dueAt": '"P30D"', "deadlineBasis": BASIS_RE_REVIEW,
    "auditEvent": "re_review_answered", "auditEventData": '{"result": re_review_result}'},
    instructions="复核由复查机关的上一级机关办理：本级为复查机关时，报上一级妇联复核并在此登记复核意见。可举行听证。")
d.node("close_final", "scriptTask", "信访终结", "lane_city", 27, script=(
    'closure = "final"\npetition_final = True\nclosed_at = iso(now())'),
    props={"auditEvent": "petition_closed_for_good", "auditEventData": '{"closure": closure, "outcome": outcome}'})
d.node("end_final", "endEvent", "终结", "lane_city", 28)

# ---------------------------------------------------------------- boundary timers
d.boundary("route_warning", "decide_route", "受理期限督导", "route_warn_at", cancel=False, props={
    "auditEvent": "supervisor_warned", "auditEventData": '{"stage": "route", "deadline": route_decide_by}'})
d.boundary("return_overdue", "object_return", "异议期限届满", "return_by", props={
    "auditEvent": "return_deadline_missed", "auditEventData": '{"return_by": return_by}'})
d.boundary("study_overdue", "study", "办理期限届满", "handle_by", props={
    "auditEvent": "deadline_missed", "auditEventData": '{"stage": "handling", "deadline": handle_by}'})
d.boundary("study_warning", "study", "办理期限督导", "handle_warn_at", cancel=False, offset=1, props={
    "auditEvent": "supervisor_warned", "auditEventData": '{"stage": "handling", "deadline": handle_by}'})
d.boundary("ext_overdue", "extended_handling", "延长期限届满", "extended_by", props={
    "auditEvent": "deadline_missed", "auditEventData": '{"stage": "extended", "deadline": extended_by}'})
d.boundary("ext_warning", "extended_handling", "延期办理督导", "extended_warn_at", cancel=False, offset=1, props={
    "auditEvent": "supervisor_warned", "auditEventData": '{"stage": "extended", "deadline": extended_by}'})
d.boundary("review_window_closed", "review_request", "复查请求期满", "review_request_by", props={
    "auditEvent": "review_window_closed", "auditEventData": '{"until": review_request_by}'})
d.boundary("re_review_window_closed", "re_review_request", "复核请求期满", "re_review_request_by", props={
    "auditEvent": "re_review_window_closed", "auditEventData": '{"until": re_review_request_by}'})
TIME_DATE = {b["id"] for b in d.boundaries}   # every timer here is a date held in a variable

# ---------------------------------------------------------------- flows
for a, b in [("start", "register"), ("register", "receive_visit"), ("receive_visit", "gw_key")]:
    d.flow(a, b)
d.flow("gw_key", "report_key_case", "重点信访", "is_key_case")
d.flow("gw_key", "key_merge", "一般信访")
d.flow("report_key_case", "key_split")
d.flow("key_split", "city_key_review")
d.flow("key_split", "key_merge")
d.flow("city_key_review", "end_key_reported")
d.flow("key_merge", "report_to_county")
d.flow("report_to_county", "decide_route")
d.flow("decide_route", "gw_route")
d.flow("gw_route", "start_handling", "受理办理")
d.flow("gw_route", "set_return_by", "不属本机关职权：异议交还", 'route == "transfer"')
d.flow("gw_route", "notify_not_accepted", "不予受理", 'route == "not_accept"')
d.flow("notify_not_accepted", "close_not_accepted")
d.flow("close_not_accepted", "end_not_accepted")
d.flow("set_return_by", "object_return")
d.flow("object_return", "notify_transfer")
d.flow("notify_transfer", "close_transferred")
d.flow("close_transferred", "end_transferred")
d.flow("return_overdue", "start_handling")
d.flow("start_handling", "study")
d.flow("study", "gw_ext")
d.flow("gw_ext", "approve_extension", "申请延期", "need_extension")
d.flow("gw_ext", "issue_decision", "按期办结")
d.flow("approve_extension", "gw_approved")
d.flow("gw_approved", "extend_deadline", "批准", "extension_approved")
d.flow("gw_approved", "issue_decision", "不批准")
d.flow("extend_deadline", "notify_extension")
d.flow("notify_extension", "extended_handling")
d.flow("extended_handling", "issue_decision")
d.flow("study_overdue", "overdue_supervision")
d.flow("ext_overdue", "overdue_supervision")
d.flow("overdue_supervision", "issue_decision")
for w in ("route_warning", "study_warning", "ext_warning"):
    d.flow(w, "remind_supervisor")
d.flow("remind_supervisor", "end_reminded")
d.flow("issue_decision", "deliver_decision")
d.flow("deliver_decision", "track_split")
d.flow("track_split", "follow_up")
d.flow("track_split", "review_request")
d.flow("follow_up", "end_followed")
d.flow("review_request", "review")
d.flow("review_window_closed", "close_no_review")
d.flow("close_no_review", "end_no_review")
d.flow("review", "re_review_request")
d.flow("re_review_request", "re_review")
d.flow("re_review_window_closed", "close_after_review")
d.flow("close_after_review", "end_after_review")
d.flow("re_review", "close_final")
d.flow("close_final", "end_final")


def with_time_dates(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for b in root.iterfind(".//bpmn:boundaryEvent", NS):
        if b.get("id") in TIME_DATE:
            spec = b.find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
            spec.tag = "{%s}timeDate" % NS["bpmn"]
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


open(REPO_ROOT + "/processes/bpmn/petition.bpmn", "wb").write(with_time_dates(d.to_xml()))
print("written")
