"""marriage_counselling (婚姻家庭辅导，和合之家): counselling at the marriage registry during the divorce
cooling-off period (民法典第1077条).

The registry receives a divorce application; the couple is registered at the 和合之家 desk (有来必受: accept) and
told their rights in the two 30-day periods; both spouses are screened for domestic violence, each on their own,
before anything else (a victim is never pressed to reconcile: a sign of violence stops all counselling and throws
dispute_case_referred, which starts a dispute case whose own screening puts it on the red path); a couple who
declines counselling is recorded as such; otherwise counselling sessions are recorded one by one (a looped user
task) until the couple reconciles and withdraws the application, decides to go on with the divorce, needs referral
(legal aid, psychological counselling), or a sign of violence comes up. Two timers carry 民法典第1077条:
the end of the cooling-off period (30 days after the registry received the application: sessions stop, the
couple is asked whether they go on) and the end of the 30 days after it (no joint application in person: the
application is deemed withdrawn). Every path ends with the recorded outcome `counselling_outcome` (有理必果:
reconciled / proceeded / referred / deemed_withdrawn / declined / dv_referred, copied to `outcome`) and the
couple told and the registry informed (有果必公: feedback).

Periods (民法典第201条: the day of receipt is not counted; 第203条: a period whose last day is a statutory
holiday ends on the day after the holiday) are computed by the script `set_periods` on the office's working
calendar; the timers are timeDate values held in variables (ISO date-times, midnight China time after the last day).

Usage: python marriage_counselling.py [PROJECT_ROOT]   (default the repository root; writes
processes/bpmn/marriage_counselling.bpmn under it). Layout with tools/diagrams/bpmnkit.py (not modified);
timeDate post-processing with care_campaign_common.py.
"""
import sys
sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
REPO_ROOT = __import__("os").path.abspath(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", ".."))
from lxml import etree
from bpmnkit import Diagram
import care_campaign_common as cc

ROOT = sys.argv[1] if len(sys.argv) > 1 else REPO_ROOT
PID = "marriage_counselling"
MSG_REFER = "mc_msg_dispute_case_referred"
F = lambda name: {"formJsonSchemaFilename": f"marriage_counselling_{name}.schema.json",
                  "formUiSchemaFilename": f"marriage_counselling_{name}.uischema.json"}

BASIS_COOLING_OFF = ("民法典第1077条第1款：自婚姻登记机关收到离婚登记申请之日起30日内，任何一方不愿意离婚的，"
                     "可以向婚姻登记机关撤回离婚登记申请（期间按第201条、第203条计算：收到当日不计入，"
                     "最后一日为法定休假日的顺延至休假日后第一日）")
BASIS_CERTIFICATE = ("民法典第1077条第2款：冷静期届满后30日内，双方应当亲自到婚姻登记机关申请发给离婚证；"
                     "未申请的，视为撤回离婚登记申请（期间按第201条、第203条计算）")
BASIS_REGISTER = "婚姻登记处转来的离婚登记申请人，和合之家当日登记，最迟1个工作日内（本地规定，有来必受）"
BASIS_SCREEN = "任何辅导之前先分别单独进行家暴风险筛查，登记后1个工作日内完成（本地规定；存在家暴的不得劝和）"
BASIS_DV = "发现家暴迹象立即停止辅导、转纠纷调处红色通道，4小时内记录转介并向受害方提供安全建议（本地规定）"
BASIS_REFER = "需要法律援助、心理咨询的，3个工作日内完成转介（本地规定）"
BASIS_ASK = "冷静期届满后3个工作日内回访双方，了解是否申请发给离婚证（本地规定）；" + BASIS_CERTIFICATE
BASIS_INFORM = "辅导结果记录后5个工作日内告知当事人并通报婚姻登记处（本地规定，有果必公）"

LANES = [("lane_desk", "受理员"), ("lane_counsellor", "婚姻家庭辅导员")]
d = Diagram(PID, "婚姻家庭辅导（和合之家）", LANES,
            lane_heights={"lane_desk": 440, "lane_counsellor": 300},
            col_widths={4: 160, 5: 130, 6: 130})
d.extra_root += [cc.message(MSG_REFER, "dispute_case_referred")]
TOP, MAIN, LOW = -140, 0, 140        # rows in 受理员
HI, LO = -60, 80                     # rows in 婚姻家庭辅导员

# ---------------------------------------------------------------- 登记 (the registry's application, the desk)
d.node("start", "startEvent", "离婚登记申请转和合之家", "lane_desk", 0, props=F("intake"))
d.node("set_periods", "scriptTask", "计算冷静期和申领期", "lane_desk", 1, script=(
    "dispute_type = \"divorce\"\n"
    "received_at = iso(now())\n"
    "cooling_off_last_day = iso(add_days(application_received_on, 30))\n"
    "while not is_working_day(cooling_off_last_day):\n"
    "    cooling_off_last_day = iso(add_days(cooling_off_last_day, 1))\n"
    "cooling_off_ends_at = iso(parse_datetime(iso(add_days(cooling_off_last_day, 1))))\n"
    "certificate_last_day = iso(add_days(cooling_off_last_day, 30))\n"
    "while not is_working_day(certificate_last_day):\n"
    "    certificate_last_day = iso(add_days(certificate_last_day, 1))\n"
    "certificate_window_ends_at = iso(parse_datetime(iso(add_days(certificate_last_day, 1))))\n"
    "sessions = []\n"
    "session_count = 0\n"
    "dv_victim = \"\"\n"
    "dv_found_during = \"\"\n"
    "dv_sign_names = []"),
    props={"auditEvent": "cooling_off_started",
           "auditEventData": '{"application_received_on": application_received_on, '
                             '"cooling_off_last_day": cooling_off_last_day, "certificate_last_day": certificate_last_day}'})
d.node("register_couple", "userTask", "和合之家登记", "lane_desk", 2, props={
    **F("register"), "commitment": "accept", "dueAt": "add_working_days(now(), 1)", "deadlineBasis": BASIS_REGISTER,
    "auditEvent": "couple_registered", "auditEventData": '{"consent": counselling_consent}'},
    instructions="告知双方：冷静期至 {{ cooling_off_last_day }} 止，其间任何一方不愿离婚的可向婚姻登记处撤回申请；"
                 "冷静期届满后至 {{ certificate_last_day }} 止，双方须亲自申请发给离婚证，未申请的视为撤回申请。"
                 "辅导自愿、免费，不接受辅导不影响办理离婚登记。")
d.node("screen_risk", "userTask", "家暴风险筛查（分别单独询问）", "lane_desk", 3, props={
    **F("screening"), "dueAt": "add_working_days(now(), 1)", "deadlineBasis": BASIS_SCREEN},
    instructions="无论是否接受辅导，先请双方分别单独回答，不在对方面前询问。任何一项为“是”即停止辅导、转纠纷调处，"
                 "不得劝和。")
d.node("assess_screening", "scriptTask", "研判筛查结果", "lane_desk", 4, script=(
    "signs = [[\"身体暴力\", physical_violence], [\"当前有伤\", current_injury], [\"威胁恐吓\", threats],\n"
    "         [\"凶器\", weapon_used], [\"掐颈\", strangulation], [\"控制或经常性谩骂\", coercive_control],\n"
    "         [\"害怕对方\", afraid_of_partner], [\"跟踪骚扰\", stalking],\n"
    "         [\"报警记录\", police_callouts_12m > 0]]\n"
    "dv_sign_names = [name for name, found in signs if found]\n"
    "dv_sign = len(dv_sign_names) > 0\n"
    "if dv_sign:\n"
    "    dv_found_during = \"screening\""),
    props={"auditEvent": "risk_screened", "auditEventData": '{"dv_sign": dv_sign, "signs": dv_sign_names}'})
d.node("gw_dv", "exclusiveGateway", "有无家暴迹象", "lane_desk", 5, default="flow_gw_dv_gw_consent")
d.node("gw_consent", "exclusiveGateway", "是否接受辅导", "lane_desk", 6, default="flow_gw_consent_counselling_session")
d.node("close_declined", "scriptTask", "记录不接受辅导", "lane_desk", 7, dy=TOP, script=(
    "counselling_outcome = \"declined\"\noutcome = counselling_outcome\nclosed_at = iso(now())"),
    props={"commitment": "outcome", "auditEvent": "counselling_outcome",
           "auditEventData": '{"outcome": counselling_outcome}'})

# ---------------------------------------------------------------- 辅导 (sessions, until a result or the period ends)
d.node("counselling_session", "userTask", "婚姻家庭辅导", "lane_counsellor", 7, dy=HI,
       loop='session_result == "continue"', scripts_on_instances=True, post_script=(
           "session_count = session_count + 1\n"
           "sessions = sessions + [{\"no\": session_count, \"on\": session_on, \"counsellor\": counsellor,\n"
           "                        \"mode\": session_mode, \"result\": session_result}]\n"
           "if session_result == \"dv_stop\":\n"
           "    dv_found_during = \"session\""),
       props={**F("session"), "dueAt": "cooling_off_ends_at", "deadlineBasis": BASIS_COOLING_OFF,
              "auditEvent": "counselling_session", "auditEventData": '{"no": session_count, "result": session_result}'},
       instructions="第 {{ session_count + 1 }} 次辅导。尊重双方意愿，不施压劝和；发现家暴迹象立即停止辅导。"
                    "冷静期至 {{ cooling_off_last_day }} 止。辅导记录只写必要内容，默认脱敏。")
d.node("gw_session", "exclusiveGateway", "辅导结果", "lane_counsellor", 8, dy=HI,
       default="flow_gw_session_wait_cooling_off")
d.node("gw_stop", "exclusiveGateway", "转介或家暴", "lane_counsellor", 9, dy=LO, default="flow_gw_stop_refer_services")
d.node("refer_services", "userTask", "转介法律援助或心理咨询", "lane_counsellor", 10, dy=LO,
       post_script='counselling_outcome = "referred"\noutcome = counselling_outcome', props={
           **F("referral"), "commitment": "outcome", "dueAt": "add_working_days(now(), 3)",
           "deadlineBasis": BASIS_REFER, "auditEvent": "counselling_outcome",
           "auditEventData": '{"outcome": counselling_outcome, "targets": referral_targets}'})
d.node("wait_cooling_off", "intermediateCatchEvent", "冷静期届满", "lane_counsellor", 10, dy=HI,
       timer="cooling_off_ends_at", props={"auditEvent": "cooling_off_ended",
                                           "auditEventData": '{"last_day": cooling_off_last_day}'})

# reconciled: the application withdrawn within the cooling-off period
d.node("confirm_withdrawal", "userTask", "确认撤回离婚登记申请", "lane_desk", 10, dy=TOP,
       post_script=(
           "if withdrawn_on > cooling_off_last_day:\n"
           "    raise ValueError(\"撤回日期须在冷静期内（至\" + cooling_off_last_day + \"止）\")\n"
           "counselling_outcome = \"reconciled\"\noutcome = counselling_outcome"),
       props={**F("withdrawal"), "commitment": "outcome", "dueAt": "cooling_off_ends_at",
              "deadlineBasis": BASIS_COOLING_OFF, "auditEvent": "counselling_outcome",
              "auditEventData": '{"outcome": counselling_outcome}'})

# ---------------------------------------------------------------- 家暴: stop, refer to the red path
d.node("prepare_dv_referral", "scriptTask", "生成家暴转介", "lane_desk", 10, dy=LOW, script=(
    # names, sex and age only: the victim's phone and address stay in this case's masked fields (a payload, or a
    # variable a script leaves behind, is case data no form marks sensitive); the dispute case's handlers read
    # them here (its origin case) with 查看, on the record
    "victim_is_husband = dv_victim == \"husband\"\n"
    "referral_parties = [\n"
    "    {\"name\": (husband if victim_is_husband else wife)[\"name\"], \"role\": \"applicant\",\n"
    "     \"sex\": \"male\" if victim_is_husband else \"female\",\n"
    "     \"age\": (husband if victim_is_husband else wife).get(\"age\"), \"marital_status\": \"married\"},\n"
    "    {\"name\": (wife if victim_is_husband else husband)[\"name\"], \"role\": \"respondent\",\n"
    "     \"sex\": \"female\" if victim_is_husband else \"male\",\n"
    "     \"age\": (wife if victim_is_husband else husband).get(\"age\"), \"marital_status\": \"married\"}]\n"
    "referral_parties = [{k: v for k, v in p.items() if v is not None} for p in referral_parties]\n"
    "where = \"辅导前风险筛查\" if dv_found_during == \"screening\" else \"辅导过程中\"\n"
    "signs_text = (\"（\" + \"、\".join(dv_sign_names) + \"）\") if dv_sign_names else \"\"\n"
    "dv_referral = {\"channel\": \"referral\", \"referral_source\": \"civil_affairs\",\n"
    "               \"dispute_type\": \"domestic_violence\",\n"
    "               \"summary\": \"和合之家（离婚冷静期婚姻家庭辅导）\" + where + \"发现家庭暴力迹象\" + signs_text\n"
    "                          + \"，已停止辅导，请按红色通道处置，不得调解；受害方联系方式见来源的和合之家辅导案件\",\n"
    "               \"parties\": referral_parties, \"source\": \"marriage_counselling\",\n"
    "               \"found_during\": dv_found_during, \"dv_signs\": dv_sign_names, \"suggested_colour\": \"red\",\n"
    "               \"application_received_on\": application_received_on}"))
d.node("refer_dv", "intermediateThrowEvent", "转纠纷调处（红色通道）", "lane_desk", 11, dy=LOW,
       message_throw=(MSG_REFER, "dv_referral"),
       props={"auditEvent": "dv_referred", "auditEventData": '{"found_during": dv_found_during, "signs": dv_sign_names}'})
d.node("record_dv_referral", "userTask", "记录家暴转介并提供安全建议", "lane_desk", 12, dy=LOW,
       post_script='counselling_outcome = "dv_referred"\noutcome = counselling_outcome', props={
           **F("dv_referral"), "commitment": "outcome", "dueAt": '"PT4H"', "deadlineBasis": BASIS_DV,
           "auditEvent": "counselling_outcome", "auditEventData": '{"outcome": counselling_outcome}'},
       instructions="已停止辅导并转纠纷调处（红色通道）。单独向受害方提供安全建议和求助渠道（110、12338），"
                    "不得向对方透露受害方的去向和联系方式。")

# ---------------------------------------------------------------- 冷静期届满 -> 申领期
d.node("ask_proceed", "userTask", "冷静期届满回访", "lane_desk", 12, props={
    **F("cooling_off_end"), "dueAt": "add_working_days(now(), 3)", "deadlineBasis": BASIS_ASK,
    "auditEvent": "proceed_asked", "auditEventData": '{"intention": intention}'},
    instructions="冷静期已于 {{ cooling_off_last_day }} 届满。了解双方是否申请发给离婚证：双方须于 {{ certificate_last_day }}（含当日）"
                 "前亲自到婚姻登记处申请，未申请的视为撤回离婚登记申请。")
d.node("record_certificate_application", "userTask", "记录双方申领离婚证", "lane_desk", 13, post_script=(
    "if applied_on > certificate_last_day:\n"
    "    raise ValueError(\"申请日期须在申领期内（至\" + certificate_last_day + \"止）\")\n"
    "counselling_outcome = \"proceeded\"\noutcome = counselling_outcome"), props={
    **F("certificate"), "commitment": "outcome", "dueAt": "certificate_window_ends_at",
    "deadlineBasis": BASIS_CERTIFICATE, "auditEvent": "counselling_outcome",
    "auditEventData": '{"outcome": counselling_outcome}'})
d.node("deemed_withdrawn", "scriptTask", "视为撤回离婚登记申请", "lane_desk", 14, dy=LOW, script=(
    "counselling_outcome = \"deemed_withdrawn\"\noutcome = counselling_outcome\nclosed_at = iso(now())"),
    props={"commitment": "outcome", "auditEvent": "counselling_outcome",
           "auditEventData": '{"outcome": counselling_outcome, "certificate_last_day": certificate_last_day}'})

# ---------------------------------------------------------------- 有果必公
OUTCOMES = {"reconciled": "劝和：已撤回离婚登记申请", "proceeded": "继续离婚：双方已申请发给离婚证",
            "referred": "转介法律援助或心理咨询", "deemed_withdrawn": "申领期届满未申请，视为撤回离婚登记申请",
            "declined": "不接受辅导", "dv_referred": "发现家暴迹象，已停止辅导并转纠纷调处"}
OUTCOME_LABELS = "{" + ", ".join(f'"{k}": "{v}"' for k, v in OUTCOMES.items()) + "}"
d.node("inform_outcome", "userTask", "告知当事人并通报婚姻登记处", "lane_desk", 15, props={
    **F("feedback"), "commitment": "feedback", "dueAt": "add_working_days(now(), 5)", "deadlineBasis": BASIS_INFORM,
    "auditEvent": "counselling_closed", "auditEventData": '{"outcome": counselling_outcome, "sessions": session_count}'},
    instructions="辅导结果：{{ " + OUTCOME_LABELS + ".get(counselling_outcome, counselling_outcome) }}（共辅导 {{ session_count }} 次）。家暴转介的，只单独告知受害方，"
                 "向婚姻登记处只通报辅导已终止，不说明原因。")
d.node("end", "endEvent", "辅导结束", "lane_desk", 16)

# ---------------------------------------------------------------- timers on tasks (民法典第1077条)
d.boundary("cooling_off_over", "counselling_session", "冷静期届满", "cooling_off_ends_at", props={
    "auditEvent": "cooling_off_ended", "auditEventData": '{"last_day": cooling_off_last_day}'})
d.boundary("withdrawal_window_over", "confirm_withdrawal", "冷静期届满未撤回", "cooling_off_ends_at", props={
    "auditEvent": "cooling_off_ended", "auditEventData": '{"last_day": cooling_off_last_day, "withdrawn": False}'})
d.boundary("certificate_window_over", "record_certificate_application", "申领期届满",
           "certificate_window_ends_at", props={
               "auditEvent": "certificate_window_ended", "auditEventData": '{"last_day": certificate_last_day}'})

# ---------------------------------------------------------------- flows
d.flow("start", "set_periods")
d.flow("set_periods", "register_couple")
d.flow("register_couple", "screen_risk")
d.flow("screen_risk", "assess_screening")
d.flow("assess_screening", "gw_dv")
d.flow("gw_dv", "prepare_dv_referral", "有家暴迹象", "dv_sign")
d.flow("gw_dv", "gw_consent", "无")
d.flow("gw_consent", "close_declined", "不接受", 'counselling_consent == "declined"')
d.flow("gw_consent", "counselling_session", "接受辅导")
d.flow("close_declined", "inform_outcome")
d.flow("counselling_session", "gw_session")
d.flow("gw_session", "confirm_withdrawal", "和好", 'session_result == "reconciled"')
d.flow("gw_session", "gw_stop", "停止辅导", 'session_result in ("refer", "dv_stop")')
d.flow("gw_stop", "prepare_dv_referral", "发现家暴", 'session_result == "dv_stop"')
d.flow("gw_stop", "refer_services", "转介")
d.flow("gw_session", "wait_cooling_off", "坚持离婚")
d.flow("wait_cooling_off", "ask_proceed")
d.flow("cooling_off_over", "ask_proceed")
d.flow("withdrawal_window_over", "ask_proceed")
d.flow("confirm_withdrawal", "inform_outcome")
d.flow("refer_services", "inform_outcome")
d.flow("prepare_dv_referral", "refer_dv")
d.flow("refer_dv", "record_dv_referral")
d.flow("record_dv_referral", "inform_outcome")
d.flow("ask_proceed", "record_certificate_application")
d.flow("record_certificate_application", "inform_outcome")
d.flow("certificate_window_over", "deemed_withdrawn")
d.flow("deemed_withdrawn", "inform_outcome")
d.flow("inform_outcome", "end")

# ================================================================ assemble
root = etree.fromstring(d.to_xml())
cc.time_dates(root, ["wait_cooling_off", "cooling_off_over", "withdrawal_window_over", "certificate_window_over"])
cc.write(root, f"{ROOT}/processes/bpmn/{PID}.bpmn")
