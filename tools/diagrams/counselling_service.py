"""counselling_service (心理咨询服务项目): psychological counselling for a family, run as a project by a contracted
social organisation (政府购买服务, e.g. Yichang: 240 families in 8 streets).

A family is referred from a dispute case, a key-family visit, the 12338 hotline or elsewhere; the 受理员 registers
the referral in the street (town) the project serves, with the contracted organisation (承接社会组织) and the street,
and the family's consent to counselling. Counselling is voluntary: without consent the referral is recorded and the
family told (有来必受 and 有理必果 in one step, outcome `no_consent`). With consent the 项目主管 (the federation's
rights officer at the county, who runs the project) accepts the referral into the project (有来必受: accept) or
declines it with a reason (outside the project's scope, the family declined: outcome `declined`).

The organisation's counsellor (role psychologist at the street) makes the intake assessment within 5 working days
of acceptance (the project's service agreement; 反家庭暴力法第9条: governments support social organisations offering
psychological counselling and family-relationship guidance): the presenting problems, a risk check and the plan
(1-12 sessions, weekly or fortnightly). Safety first: a domestic-violence sign or a self-harm risk sends the case to
the 项目主管, who refers the family at once (dispute case red path, police, medical care; 4 hours; 反家庭暴力法第14条:
social work service organisations report suspected violence against a person without full capacity to the
police); a possible mental disorder makes the counsellor advise medical treatment (精神卫生法第23条: a counsellor
who finds that a client may have a mental disorder shall advise her to see a qualified medical institution; a
counsellor does not diagnose or treat). Both end the project's counselling with outcome `referred`.

Otherwise the sessions are recorded one by one (a looped user task, not a flow back), each due per the plan's
interval after the previous session (or the intake assessment); the loop ends when the planned number of sessions
has been held, after three missed sessions, or when the counsellor ends early (goal met, the family withdrew, or a
risk found in a session, which takes the safety paths above). The counsellor makes the closing assessment within
10 working days after the last session (improved / stable / referred / dropped_out, sessions held, the family's
satisfaction); the 项目主管 reviews it and records the outcome (有理必果: `service_outcome`, copied to `outcome`);
the 受理员 tells the family and the referring source within 5 working days (有果必公: feedback), without the
content of the counselling (精神卫生法第23条: counsellors keep their clients' secrets).

Caseload and completion per organisation and street: `referral_accepted`, `session_recorded`,
`service_outcome_recorded` and `counselling_closed` carry `organisation` and `street` (and no personal data).

Usage: python counselling_service.py [PROJECT_ROOT]   (default the repository root; writes
processes/bpmn/counselling_service.bpmn under it). Layout with tools/diagrams/bpmnkit.py (not modified);
the loop's upper bound (loopMaximum) added here after bpmnkit, the file written with care_campaign_common.py.
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram, NS
import care_campaign_common as cc

ROOT = sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT
PID = "counselling_service"
F = lambda name: {"formJsonSchemaFilename": f"counselling_service_{name}.schema.json",
                  "formUiSchemaFilename": f"counselling_service_{name}.uischema.json"}

BASIS_REVIEW = "项目服务协议：转介登记后3个工作日内决定是否纳入项目（本地规定，有来必受）"
BASIS_INTAKE = ("项目服务协议：纳入项目后5个工作日内完成首次评估（本地规定）；反家庭暴力法第9条：各级人民政府应当支持"
                "社会工作服务机构等社会组织开展心理健康咨询、家庭关系指导、家庭暴力预防知识教育等服务")
BASIS_URGENT = ("发现家暴迹象或自伤风险的立即转介，4小时内转纠纷调处红色通道、公安机关或医疗机构（项目服务协议，本地规定）；"
                "反家庭暴力法第14条：社会工作服务机构及其工作人员发现无民事行为能力人、限制民事行为能力人遭受或者疑似"
                "遭受家庭暴力的，应当及时向公安机关报案")
BASIS_MEDICAL = ("精神卫生法第23条：心理咨询人员发现接受咨询的人员可能患有精神障碍的，应当建议其到符合本法规定的医疗机构就诊"
                 "（心理咨询人员不得从事心理治疗或者精神障碍的诊断、治疗）；项目服务协议：1个工作日内建议并记录（本地规定）")
BASIS_CLOSING = "项目服务协议：末次咨询后10个工作日内完成结案评估（本地规定）"
BASIS_OUTCOME = "项目服务协议：结案评估后5个工作日内审核并记录咨询结果（本地规定，有理必果）"
BASIS_INFORM = "结果记录后5个工作日内告知家庭和转介来源（本地规定，有果必公）"
INTERVALS = '{"weekly": "每周", "fortnightly": "每两周"}'
# the session's deadline: the end of the day `interval` days after the previous session (or the intake assessment)
SESSION_DUE = "add_days(parse_datetime(last_session_on), session_interval_days + 1)"
SESSION_BASIS = ('"咨询计划（项目服务协议）：" + ' + INTERVALS + '.get(session_interval, "") + "一次，共" + str(planned_sessions)'
                 ' + "次；本次为第" + str(session_count + 1) + "次，应于" + ("首次评估" if session_count == 0 else "上次咨询")'
                 ' + "（" + last_session_on + "）后"'
                 ' + str(session_interval_days) + "日内进行"')
# the closing assessment's deadline: the end of the 10th working day after the last session
CLOSING_DUE = "add_days(parse_datetime(iso(add_working_days(last_session_on, 10))), 1)"
MAX_ROUNDS = 14   # at most 12 sessions held and 2 missed before the third missed one ends the loop

LANES = [("lane_clerk", "受理员"), ("lane_lead", "项目主管"), ("lane_counsellor", "咨询师")]
d = Diagram(PID, "心理咨询服务项目", LANES,
            lane_heights={"lane_clerk": 240, "lane_lead": 300, "lane_counsellor": 320},
            col_widths={2: 130, 3: 160, 7: 180, 8: 160, 9: 130})
TOP = -60                # the clerk's upper row
HI, LO = -80, 80         # rows in 项目主管 and 咨询师

# ---------------------------------------------------------------- 转介登记 (the clerk; consent first)
d.node("start", "startEvent", "登记转介", "lane_clerk", 0, props=F("intake"))
d.node("register_referral", "scriptTask", "转介登记", "lane_clerk", 1, script=(
    "received_at = iso(now())\n"
    "session_count = 0\n"
    "sessions_attended = 0\n"
    "sessions_missed = 0\n"
    "sessions = []\n"
    "sessions_end = \"\"\n"
    "planned_sessions = 0\n"
    "session_interval = \"\"\n"
    "session_interval_days = 0\n"
    "risk_found_during = \"\"\n"
    "service_outcome = \"\""),
    props={"auditEvent": "referral_registered",
           "auditEventData": '{"source": referral_source, "organisation": organisation, "street": street, '
                             '"consent": family_consent}'})
d.node("gw_consent", "exclusiveGateway", "家庭是否同意咨询", "lane_clerk", 2, default="flow_gw_consent_review_referral")
d.node("close_no_consent", "scriptTask", "记录未同意咨询", "lane_clerk", 3, dy=TOP, script=(
    "service_outcome = \"no_consent\"\noutcome = service_outcome\nclosed_at = iso(now())"),
    props={"commitment": "accept,outcome", "auditEvent": "consent_declined",
           "auditEventData": '{"source": referral_source, "organisation": organisation, "street": street}'})

# ---------------------------------------------------------------- 纳入项目 (项目主管)
d.node("review_referral", "userTask", "审核纳入项目", "lane_lead", 3, props={
    **F("review"), "commitment": "accept", "dueAt": "add_working_days(now(), 3)", "deadlineBasis": BASIS_REVIEW},
    instructions="转介来源：{{ {\"dispute_case\": \"婚姻家庭纠纷调处案件\", \"key_family_care\": \"重点家庭关爱\", "
                 "\"hotline_call\": \"12338热线\", \"other\": \"其他\"}.get(referral_source, referral_source) }}"
                 "{% if origin_case_no %}（{{ origin_case_no }}）{% endif %}；承接社会组织：{{ organisation }}；服务街道（乡镇）："
                 "{{ street }}。家庭已同意接受心理咨询。不属于项目服务范围或家庭改变主意的，写明原因，不予纳入。")
d.node("gw_review", "exclusiveGateway", "是否纳入", "lane_lead", 4, default="flow_gw_review_open_service")
d.node("close_declined", "scriptTask", "记录不予纳入", "lane_lead", 5, dy=HI, script=(
    "service_outcome = \"declined\"\noutcome = service_outcome\nclosed_at = iso(now())"),
    props={"commitment": "outcome", "auditEvent": "referral_declined",
           "auditEventData": '{"reason": decline_reason, "organisation": organisation, "street": street}'})
d.node("open_service", "scriptTask", "纳入项目", "lane_lead", 5, dy=LO, script="accepted_at = iso(now())",
       props={"auditEvent": "referral_accepted",
              "auditEventData": '{"source": referral_source, "organisation": organisation, "street": street}'})

# ---------------------------------------------------------------- 首次评估 (the counsellor)
d.node("intake_assessment", "userTask", "首次评估", "lane_counsellor", 6, props={
    **F("assessment"), "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_INTAKE,
    "auditEvent": "intake_assessed",
    "auditEventData": '{"next": intake_route, "planned_sessions": planned_sessions, "interval": session_interval}'},
    post_script=(
        "if self_harm_risk or dv_signs:\n"
        "    intake_route = \"urgent_referral\"\n"
        "    risk_found_during = \"intake\"\n"
        "elif possible_mental_disorder:\n"
        "    intake_route = \"medical_advice\"\n"
        "    risk_found_during = \"intake\"\n"
        "else:\n"
        "    intake_route = \"sessions\"\n"
        "    session_interval_days = 14 if session_interval == \"fortnightly\" else 7\n"
        "last_session_on = assessed_on"),
    instructions="承接社会组织：{{ organisation }}，服务街道（乡镇）：{{ street }}。安全优先：先做风险评估，"
                 "发现家暴迹象或自伤风险的，提交后转项目主管立即转介；可能患有精神障碍的，建议到医疗机构就诊"
                 "（精神卫生法第23条，咨询师不作诊断、不做治疗）。无上述情况的，制定咨询计划（1-12次，每周或每两周一次）。")
d.node("gw_intake", "exclusiveGateway", "评估结论", "lane_counsellor", 7, default="flow_gw_intake_record_session")

# ---------------------------------------------------------------- 咨询 (a looped user task)
ENDS = ('{"continue": "继续咨询", "plan_completed": "已完成计划次数", "missed_sessions": "累计缺席3次", '
        '"goal_met": "咨询目标已达成，提前结束", "family_withdrew": "家庭退出", '
        '"safety_risk": "发现家暴迹象或自伤风险", "mental_health": "发现可能患有精神障碍"}')
d.node("record_session", "userTask", "心理咨询", "lane_counsellor", 8,
       loop='sessions_end == "continue"', scripts_on_instances=True, post_script=(
           "if session_on < last_session_on:\n"
           "    raise ValueError(\"咨询日期不得早于上次咨询或首次评估的日期（\" + last_session_on + \"）\")\n"
           "session_count = session_count + 1\n"
           "if attendance == \"attended\":\n"
           "    sessions_attended = sessions_attended + 1\n"
           "else:\n"
           "    sessions_missed = sessions_missed + 1\n"
           "sessions = sessions + [{\"no\": session_count, \"on\": session_on, \"attendance\": attendance}]\n"
           "last_session_on = session_on\n"
           "sessions_end = session_result\n"
           "if session_result == \"continue\" and sessions_attended >= planned_sessions:\n"
           "    sessions_end = \"plan_completed\"\n"
           "elif session_result == \"continue\" and sessions_missed >= 3:\n"
           "    sessions_end = \"missed_sessions\"\n"
           "if session_result in (\"safety_risk\", \"mental_health\"):\n"
           "    risk_found_during = \"session\""),
       props={**F("session"), "dueAt": SESSION_DUE, "deadlineBasisExpression": SESSION_BASIS,
              "auditEvent": "session_recorded",
              "auditEventData": '{"no": session_count, "attendance": attendance, "held": sessions_attended, '
                                '"missed": sessions_missed, "end": sessions_end, "organisation": organisation, '
                                '"street": street}'},
       instructions="第 {{ session_count + 1 }} 次咨询：计划 {{ planned_sessions }} 次，"
                    "{{ " + INTERVALS + ".get(session_interval, session_interval) }}一次；已到场 {{ sessions_attended }} 次，"
                    "缺席 {{ sessions_missed }} 次（累计缺席3次即结束咨询）。咨询记录只写必要内容，默认脱敏"
                    "（精神卫生法第23条：为接受咨询人员保守秘密）。发现家暴迹象、自伤风险或可能患有精神障碍的，"
                    "选择相应结果，立即停止本项目咨询。")
d.node("gw_sessions", "exclusiveGateway", "咨询结束原因", "lane_counsellor", 9,
       default="flow_gw_sessions_closing_assessment")

# ---------------------------------------------------------------- safety first: refer at once, or advise medical care
d.node("urgent_referral", "userTask", "立即转介（家暴或自伤风险）", "lane_lead", 10, dy=HI,
       post_script='service_outcome = "referred"\noutcome = service_outcome', props={
           **F("urgent_referral"), "commitment": "outcome", "dueAt": '"PT4H"', "deadlineBasis": BASIS_URGENT,
           "priority": "4", "auditEvent": "safety_referred",
           "auditEventData": '{"found_during": risk_found_during, "targets": referral_targets}'},
       instructions="{{ {\"intake\": \"首次评估\", \"session\": \"咨询过程中\"}.get(risk_found_during, \"\") }}发现家暴迹象或自伤风险，"
                    "停止本项目咨询，立即转介：正在遭受暴力或有人身危险的，协助报警（110）；家暴的登记纠纷调处案件走红色通道，"
                    "不做调解；自伤风险的，联系家属并协助到医疗机构。不得向施暴方透露受害方的去向和联系方式。")
d.node("medical_advice", "userTask", "建议就医", "lane_counsellor", 10, dy=LO,
       post_script='service_outcome = "referred"\noutcome = service_outcome', props={
           **F("medical_advice"), "commitment": "outcome", "dueAt": "add_working_days(now(), 1)",
           "deadlineBasis": BASIS_MEDICAL, "auditEvent": "medical_advised",
           "auditEventData": '{"found_during": risk_found_during}'},
       instructions="{{ {\"intake\": \"首次评估\", \"session\": \"咨询过程中\"}.get(risk_found_during, \"\") }}发现可能患有精神障碍："
                    "建议到符合精神卫生法规定的医疗机构就诊（精神卫生法第23条），本项目咨询到此结束。咨询师不作诊断、"
                    "不做治疗；建议内容和家庭的态度如实记录，为接受咨询人员保守秘密。")

# ---------------------------------------------------------------- closing: assessment, review, feedback
d.node("closing_assessment", "userTask", "结案评估", "lane_counsellor", 11, props={
    **F("closing"), "dueAt": CLOSING_DUE, "deadlineBasis": BASIS_CLOSING,
    "auditEvent": "closing_assessed",
    "auditEventData": '{"result": service_result, "sessions_held": sessions_held, "end": sessions_end}'},
    post_script=(
        "if sessions_held != sessions_attended:\n"
        "    raise ValueError(\"「实际咨询次数」应为已记录的到场次数（\" + str(sessions_attended) + \"次）\")"),
    instructions="咨询结束：{{ " + ENDS + ".get(sessions_end, sessions_end) }}。已记录到场 {{ sessions_attended }} 次、"
                 "缺席 {{ sessions_missed }} 次，末次咨询 {{ last_session_on }}。评估咨询效果并了解家庭满意度。")
d.node("review_outcome", "userTask", "审核咨询结果", "lane_lead", 12, props={
    **F("outcome"), "commitment": "outcome", "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_OUTCOME,
    "auditEvent": "service_outcome_recorded",
    "auditEventData": '{"outcome": service_outcome, "sessions_held": sessions_attended, '
                      '"organisation": organisation, "street": street}'},
    post_script="outcome = service_outcome",
    instructions="咨询师评估结果：{{ {\"improved\": \"改善\", \"stable\": \"稳定\", \"referred\": \"转介\", "
                 "\"dropped_out\": \"中途退出\"}.get(service_result, service_result) }}，实际咨询 {{ sessions_held }} 次"
                 "（计划 {{ planned_sessions }} 次）。审核后记录结果，计入本项目的完成情况。")

OUTCOMES = {"improved": "咨询结束，情况改善", "stable": "咨询结束，情况稳定", "referred": "已转介（家暴、自伤风险或就医建议）",
            "dropped_out": "中途退出", "declined": "未纳入项目", "no_consent": "家庭未同意接受心理咨询"}
OUTCOME_LABELS = "{" + ", ".join(f'"{k}": "{v}"' for k, v in OUTCOMES.items()) + "}"
d.node("inform_family", "userTask", "告知家庭和转介来源", "lane_clerk", 13, props={
    **F("feedback"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_INFORM,
    "auditEvent": "counselling_closed",
    "auditEventData": '{"outcome": service_outcome, "sessions_held": sessions_attended, "source": referral_source, '
                      '"organisation": organisation, "street": street}'},
    instructions="结果：{{ " + OUTCOME_LABELS + ".get(service_outcome, service_outcome) }}（实际咨询 {{ sessions_attended }} 次）。"
                 "告知家庭；告知转介来源时只说明是否纳入、是否结束和结果类别，不透露咨询内容（精神卫生法第23条）。"
                 "家暴转介的只单独告知受害方。")
d.node("end", "endEvent", "办结", "lane_clerk", 14)

# ---------------------------------------------------------------- flows
d.flow("start", "register_referral")
d.flow("register_referral", "gw_consent")
d.flow("gw_consent", "close_no_consent", "未同意", "not family_consent")
d.flow("gw_consent", "review_referral", "同意")
d.flow("close_no_consent", "inform_family")
d.flow("review_referral", "gw_review")
d.flow("gw_review", "close_declined", "不予纳入", 'decision == "decline"')
d.flow("gw_review", "open_service", "纳入")
d.flow("close_declined", "inform_family")
d.flow("open_service", "intake_assessment")
d.flow("intake_assessment", "gw_intake")
d.flow("gw_intake", "urgent_referral", "家暴或自伤风险", 'intake_route == "urgent_referral"')
d.flow("gw_intake", "medical_advice", "可能患有精神障碍", 'intake_route == "medical_advice"')
d.flow("gw_intake", "record_session", "按计划咨询")
d.flow("record_session", "gw_sessions")
d.flow("gw_sessions", "urgent_referral", "发现风险", 'sessions_end == "safety_risk"')
d.flow("gw_sessions", "medical_advice", "建议就医", 'sessions_end == "mental_health"')
d.flow("gw_sessions", "closing_assessment", "咨询结束")
d.flow("urgent_referral", "inform_family")
d.flow("medical_advice", "inform_family")
d.flow("closing_assessment", "review_outcome")
d.flow("review_outcome", "inform_family")
d.flow("inform_family", "end")

# ================================================================ assemble
root = etree.fromstring(d.to_xml())
# a loop bounded by design (loopMaximum), besides its condition
cc.by_id(root, "record_session").find("bpmn:standardLoopCharacteristics", NS).set("loopMaximum", str(MAX_ROUNDS))
cc.write(root, f"{ROOT}/processes/bpmn/{PID}.bpmn")
