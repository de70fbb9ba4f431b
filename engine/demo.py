"""The demo: the demo organisation, the shipped processes and a handful of dispute cases
standing at different steps, so that every demo login finds work in her task list.

Cases are driven through the Runtime exactly as users would drive them (start, then complete
tasks), so what the demo shows is what the engine really does. Each seeded case carries the
business key "demo:<n>"; a case that already exists is left alone, so seeding twice adds
nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from engine.clock import Clock
from engine.errors import JiaheError
from engine.store import Store
from engine.store import repository as repo

DEMO_ORG = Path("processes") / "org" / "demo.yaml"


def demo_org_file(project_root: Path) -> Path:
    """The organisation the demo imports: the one the running region profile names (so that
    JIAHE_LADDER_PROFILE=jiangyin_331 brings the city mediator its last tier needs), else
    processes/org/demo.yaml."""
    from engine.definitions.ladder import running_ladder

    root = Path(project_root)
    ladder = running_ladder(root)
    return (ladder.org_file(root) if ladder is not None else None) or root / DEMO_ORG


DEMO_PASSWORD = "jiahe-demo"
PROCESS = "dispute_case"
INTAKE_ACTOR = "clerk"
# Form dates are written as the parties would see them: China time.
CHINA = timezone(timedelta(hours=8))


class DemoSeedError(JiaheError):
    """A demo case did not reach the step it is meant to stand at (the process changed)."""


@dataclass(frozen=True)
class Step:
    task: str
    actor: str
    data: dict


@dataclass(frozen=True)
class DemoCase:
    number: int
    org_unit: str
    channel: str
    intake: dict
    steps: tuple[Step, ...]
    stage: str  # where the case stands once seeded, in words for the printed summary
    received_hours_ago: int = 1
    process: str = PROCESS
    received_field: str | None = "received_at"  # the start form's "came in at" field, set from now

    @property
    def business_key(self) -> str:
        return f"demo:{self.number}"


@dataclass
class SeedSummary:
    org: object = None  # the org import's ImportSummary
    deployed: list = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # business keys
    existing: list[str] = field(default_factory=list)
    history: object = None  # demo_history.HistorySummary, when the half-year of history was seeded

    def __str__(self) -> str:
        told = f"{len(self.created)} demo case(s) created, {len(self.existing)} already there"
        if self.history is not None:
            told += f"; history: {self.history.created} past case(s) created, {self.history.existing} already there"
        return told


# -- entry point -------------------------------------------------------------------------------

def seed_demo(runtime, store: Store, project_root: Path, clock: Clock, *, cases: bool = True,
              history: bool = True) -> SeedSummary:
    """Import the demo organisation, deploy processes/ and forms/, then create the demo cases
    that do not exist yet (skip them with cases=False) and six months of past cases behind
    them (engine/demo_history.py; skip with history=False)."""
    from engine.demo_history import seed_history
    from engine.runtime.deployment import deploy_project
    from engine.store.org_repository import import_org

    root = Path(project_root)
    summary = SeedSummary()
    summary.org = import_org(store, demo_org_file(root), actor="demo", now=clock.now())
    summary.deployed = deploy_project(runtime, root, actor="designer")
    if cases:
        for case in demo_cases(clock.now()):
            created = _seed_case(runtime, store, case)
            (summary.created if created else summary.existing).append(case.business_key)
    if cases and history:
        summary.history = seed_history(runtime, store, clock.now())
    return summary


def _seed_case(runtime, store: Store, case: DemoCase) -> bool:
    if _exists(store, case.business_key):
        return False
    view = runtime.start(case.process, actor=INTAKE_ACTOR, data={"channel": case.channel, **case.intake},
                         org_unit=case.org_unit, business_key=case.business_key)
    for step in case.steps:
        view = runtime.complete(_ready_task_id(view, step, case), step.data, actor=step.actor)
    return True


def _exists(store: Store, business_key: str) -> bool:
    with store.read() as session:
        return repo.instance_by_business_key(session, business_key) is not None


def _ready_task_id(view, step: Step, case: DemoCase) -> str:
    for task in view.tasks:
        if task.name == step.task and task.state == "ready":
            return task.id
    ready = ", ".join(t.name for t in view.tasks if t.state == "ready") or "none"
    raise DemoSeedError(f"demo case {case.business_key}: expected task {step.task} to be ready; ready: {ready}",
                        process=case.process, task=step.task,
                        zh=f"示范案件 {case.business_key}：任务 {step.task} 应处于待办，"
                           f"实际待办的是：{ready}")


# -- the cases ---------------------------------------------------------------------------------

def demo_cases(now: datetime) -> list[DemoCase]:
    """The demo cases, their form dates taken from `now`."""
    day = now.astimezone(CHINA).date().isoformat()
    cases = [_awaiting_screening(), _awaiting_acceptance(), _red_joint_handling(day), _village_mediation(),
             _town_mediation_after_escalation(day), _grid_mediation(), _awaiting_feedback(day), _closed(day),
             # the services beside the disputes (engine/report_services.py counts them)
             _hotline_call_at_the_legal_line(), _hotline_call_answered(), _couple_in_counselling(day),
             _couple_reconciled(day), _family_in_a_counselling_project(day),
             # a town-mediated agreement, ready to be printed as a 调解协议书 (engine/documents)
             _town_mediated_agreement(day)]
    return [_received(case, now) for case in cases]


def _received(case: DemoCase, now: datetime) -> DemoCase:
    if case.received_field is None:
        return case
    at = (now - timedelta(hours=case.received_hours_ago)).astimezone(CHINA).isoformat(timespec="seconds")
    return replace(case, intake={**case.intake, case.received_field: at})


def _awaiting_screening() -> DemoCase:
    intake = _intake("marital_conflict", "丈夫沉迷网络赌博欠下债务，妻子来电反映夫妻为还债问题争吵不断，希望有人出面调解。",
                     ("马丽", "applicant", "female", 31), ("高峰", "respondent", "male", 33),
                     requests="希望丈夫戒赌并共同商量还债办法")
    return DemoCase(1, "grid-b1", "phone", intake, (), "待风险筛查", received_hours_ago=1)


def _awaiting_acceptance() -> DemoCase:
    intake = _intake("in_laws", "儿媳在网上求助：婆婆坚持按老办法照看孙子，婆媳多次争执，丈夫两头为难。",
                     ("周敏", "applicant", "female", 29), ("钱桂兰", "respondent", "female", 58))
    steps = (Step("screen_risk", INTAKE_ACTOR, _screening()),)
    return DemoCase(2, "grid-a2", "online", intake, steps, "已筛查（蓝色），待受理审查", received_hours_ago=3)


def _red_joint_handling(day: str) -> DemoCase:
    intake = _intake("domestic_violence", "12338热线来电：丈夫酒后持刀威胁妻子，并扬言要杀死她，妻子已带孩子躲到娘家。",
                     ("吴秀英", "applicant", "female", 38), ("黄建国", "respondent", "male", 41),
                     children_involved=1)
    screening = _screening(weapon_used=True, threats_to_kill=True, victim_frightened=True, substance_abuse=True,
                           police_callouts_12m=2, complexity="complex", victim_safe_now=False,
                           screening_notes="求助人暂住娘家，情绪紧张")
    police = {"police_station": "和美镇派出所", "reported_at": f"{day}T08:40:00+08:00",
              "warning_letter_issued": True, "joint_actions": "派出所已出警并出具告诫书"}
    # the called protection_order_assist: the federation applies on her behalf, urgent (ruling within 24 h)
    order_request = {"applied_by": "federation_on_behalf", "urgent": True, "court": "示范县人民法院",
                     "requested_measures": ["no_violence", "no_contact"], "behalf_reason": "coerced",
                     "evidence": "派出所出警记录、告诫书、妇联求助记录", "safe_contact": "13900000123",
                     "urgent_reason": "施暴人持刀威胁、扬言杀人"}
    filing = {"court": "示范县人民法院", "filed_at": f"{day}T10:30:00+08:00", "filing_no": "（2026）示0101民保令7号",
              "filed_by": "法律顾问"}
    steps = (Step("screen_risk", INTAKE_ACTOR, screening), _accept(),
             Step("report_to_police", "rights_officer", police),
             Step("accept_request", "lawyer", order_request), Step("file_application", "lawyer", filing))
    return DemoCase(3, "grid-a1", "hotline_12338", intake, steps,
                    "红色：禁止调解，联合处置中；已代为申请保护令，待法院24小时内裁定；法律援助待受理",
                    received_hours_ago=5)


def _village_mediation() -> DemoCase:
    intake = _intake("support", "三个子女对赡养八旬母亲的费用分摊意见不一，母亲到村妇联来访求助。",
                     ("孙凤兰", "applicant", "female", 81), ("孙志强", "respondent", "male", 55))
    steps = (Step("screen_risk", INTAKE_ACTOR, _screening(substance_abuse=True)), _accept())
    return DemoCase(4, "grid-a2", "visit", intake, steps, "黄色：村（社区）调解中", received_hours_ago=26)


def _town_mediation_after_escalation(day: str) -> DemoCase:
    intake = {**_intake("custody", "法院转介：分居夫妻就孩子周末探望时间反复争执，孩子夹在中间情绪低落。",
                        ("郑晓燕", "applicant", "female", 35), ("冯涛", "respondent", "male", 37),
                        children_involved=1),
              "referral_source": "court"}
    steps = (Step("screen_risk", INTAKE_ACTOR, _screening(recent_separation=True)), _accept(),
             # move_up: the village hands it on at once, also where a profile allows it more tries (331)
             Step("mediate", "mediator_b",
                  {**_mediation("failed", day, "双方对探望时间分歧较大，村级调解未能达成一致"), "move_up": True}),
             Step("legal_opinion", "lawyer", {"opinion": "不直接抚养子女的一方依法享有探望权，宜约定固定探望时间"}),
             Step("psych_assessment", "psychologist",
                  {"assessment": "孩子有焦虑情绪，建议父母避免当着孩子争吵", "needs_ongoing_support": True}))
    return DemoCase(5, "grid-b1", "referral", intake, steps, "黄色：村级调解不成，已升级乡镇调解",
                    received_hours_ago=50)


def _grid_mediation() -> DemoCase:
    intake = _intake("marital_conflict", "网格员入户排查发现：年轻夫妻因家务分担和花钱习惯经常拌嘴，邻居反映夜间争吵。",
                     ("林娜", "applicant", "female", 27), ("谢磊", "respondent", "male", 28))
    steps = (Step("screen_risk", INTAKE_ACTOR, _screening(complexity="minor")), _accept())
    return DemoCase(6, "grid-a1", "grid_screening", intake, steps, "蓝色：网格员现场调解中",
                    received_hours_ago=20)


def _awaiting_feedback(day: str) -> DemoCase:
    intake = _intake("property", "网格排查发现：兄弟二人因父亲去世后老宅归属起争执，妯娌之间也互不来往。",
                     ("何淑芬", "applicant", "female", 46), ("何建军", "respondent", "male", 49))
    steps = (Step("screen_risk", INTAKE_ACTOR, _screening(complexity="minor")), _accept(),
             Step("mediate", "grid_b1", _mediation(
                 "resolved", day, "双方同意老宅由兄长居住，兄长补偿弟弟三万元",
                 dispute_facts="父亲去世后兄弟二人对老宅归属各执一词，兄长长期居住并修缮老宅，弟弟要求分割",
                 agreement_terms="老宅由兄长何建军居住使用；兄长补偿弟弟三万元", performance="分两次付清，每次一万五千元")),
             Step("record_outcome", INTAKE_ACTOR, _agreement("老宅由兄长居住，兄长分两次补偿弟弟三万元", "王网格")))
    return DemoCase(7, "grid-b1", "grid_screening", intake, steps, "已调解成功，待告知当事人",
                    received_hours_ago=74)


def _closed(day: str) -> DemoCase:
    intake = _intake("marital_conflict", "妻子来电反映丈夫长期不顾家、工资不交家用，夫妻冷战近一个月。",
                     ("陈静", "applicant", "female", 33), ("刘洋", "respondent", "male", 35))
    feedback = {"method": "phone", "fed_back_at": f"{day}T16:00:00+08:00", "party_satisfaction": "satisfied"}
    visit = {"visited_on": day, "visit_method": "visit", "agreement_performance": "fully",
             "renewed_conflict": False, "new_colour": "blue", "close_aftercare": True,
             "notes": "夫妻关系缓和，已按约定共同管理家庭开支"}
    steps = (Step("screen_risk", INTAKE_ACTOR, _screening(complexity="minor")), _accept(),
             Step("mediate", "grid_a1", _mediation(
                 "resolved", day, "双方约定每月工资按比例存入家庭账户",
                 dispute_facts="丈夫工资不交家用、长期不顾家，夫妻冷战近一个月；丈夫负主要责任",
                 agreement_terms="每月工资按比例存入家庭共同账户，重大开支共同商量",
                 performance="自下月起每月10日前存入，村（社区）调解员回访监督")),
             Step("record_outcome", INTAKE_ACTOR, _agreement("每月工资按比例存入家庭共同账户，重大开支共同商量", "李网格")),
             Step("feedback_to_party", INTAKE_ACTOR, feedback),
             Step("follow_up_visit", "mediator_a", visit))
    return DemoCase(8, "grid-a1", "phone", intake, steps, "已结案，回访完毕", received_hours_ago=98)


def _town_mediated_agreement(day: str) -> DemoCase:
    intake = _intake("property", "离婚半年后，双方就婚内共同购买的商铺如何分割、孩子抚养费如何给付反复争执，到镇调解工作室求助。",
                     ("唐婉", "applicant", "female", 36, "汉族", "个体经营者"),
                     ("罗志伟", "respondent", "male", 38, "汉族", "货车司机"), children_involved=1,
                     requests="商铺租金按份分配，男方按月给付抚养费")
    agreement = {
        "dispute_facts": "双方于去年协议离婚，离婚协议未处理婚内共同购买的临街商铺，孩子随女方生活。男方自离婚后"
                         "独自收取商铺租金且未按时给付抚养费，女方多次索要未果，双方争执升级；男方对未给付抚养费负主要责任。",
        "agreement_terms": "一、临街商铺归双方共有，各占二分之一份额，租金收益按份分配；\n"
                           "二、罗志伟每月给付孩子抚养费一千五百元，至孩子年满十八周岁；\n"
                           "三、罗志伟补付此前拖欠的抚养费六千元；\n"
                           "四、罗志伟每月可探望孩子两次，具体时间提前一日与唐婉商定。",
        "performance": "租金每季度结算一次，由罗志伟在季度末五日内将唐婉应得部分转入其银行账户；抚养费每月五日前转账；"
                       "拖欠的六千元于本协议生效后三十日内一次付清。",
    }
    steps = (Step("screen_risk", INTAKE_ACTOR, _screening(complexity="complex")), _accept(),
             Step("legal_opinion", "lawyer", {"opinion": "商铺系婚内共同财产，离婚时未处理的可协商分割；抚养费可参照当地收入水平确定"}),
             Step("psych_assessment", "psychologist", {"assessment": "双方情绪基本稳定，孩子希望父母不再争吵"}),
             Step("mediate", "town_mediator", _mediation("resolved", day, "镇调解工作室组织双方面对面调解，律师释法，双方达成书面协议",
                                                         **agreement)))
    return DemoCase(14, "grid-b1", "visit", intake, steps, "乡镇调解成功（可生成调解协议书），待记录处理结果",
                    received_hours_ago=120)


# -- form data ---------------------------------------------------------------------------------

_NO_RISK = {
    "current_injury": False, "weapon_used": False, "threats_to_kill": False, "strangulation": False,
    "stalking": False, "recent_separation": False, "pregnancy_or_new_baby": False, "child_abuse": False,
    "victim_frightened": False, "escalation": False, "substance_abuse": False, "abuser_suicide_threats": False,
    "police_callouts_12m": 0, "complexity": "general", "victim_safe_now": True,
}


def _screening(**answers) -> dict:
    return {**_NO_RISK, **answers}


def _intake(dispute_type: str, summary: str, *parties: tuple, **more) -> dict:
    return {"dispute_type": dispute_type, "summary": summary, "parties": [_party(*p) for p in parties], **more}


# The applicants' phone and address (made up): sensitive fields, so the demo shows them masked.
CONTACTS = {
    "马丽": ("13800001001", "西村一组5号"), "周敏": ("13800001002", "东村二组17号"),
    "吴秀英": ("13800001003", "东村一组3号"), "孙凤兰": ("13800001004", "西村三组8号"),
    "郑晓燕": ("13800001005", "和美镇新街22号"), "林娜": ("13800001006", "东村一组11号"),
    "何淑芬": ("13800001007", "西村二组2号"), "陈静": ("13800001008", "东村三组6号"),
    "唐婉": ("13800001009", "西村四组9号"),
}


def _party(name: str, role: str, sex: str, age: int, ethnicity: str | None = None,
           occupation: str | None = None) -> dict:
    party = {"name": name, "role": role, "sex": sex, "age": age}
    party.update({k: v for k, v in (("ethnicity", ethnicity), ("occupation", occupation)) if v})
    if role == "applicant" and name in CONTACTS:
        party["phone"], party["address"] = CONTACTS[name]
    return party


def _accept() -> Step:
    return Step("accept_case", INTAKE_ACTOR, {"decision": "accept"})


def _mediation(result: str, day: str, summary: str, **agreement) -> dict:
    """A mediation's record; a resolved one says what its 调解协议书 prints (dispute_facts,
    agreement_terms, performance)."""
    return {"result": result, "mediated_on": day, "mediation_summary": summary, **agreement}


def _agreement(terms: str, mediator: str) -> dict:
    return {"outcome": "mediated_agreement", "outcome_summary": "达成书面调解协议",
            "agreement": {"form": "written", "terms": terms, "signed_by_parties": True, "mediator": mediator,
                          "committee_seal": True, "judicial_confirmation": "declined"}}


# -- the logins --------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    org_unit: str
    org_unit_name: str


def demo_logins(project_root: Path) -> list[DemoLogin]:
    """One line per (user, membership) of the demo organisation file, in its order."""
    from engine.org import OrgFile

    org = OrgFile.load(demo_org_file(Path(project_root)))
    names = {unit.id: unit.name for unit in org.chart.units.values()}
    return [DemoLogin(user.username, user.display_name or user.username, m.role, m.org_unit,
                      names.get(m.org_unit, m.org_unit))
            for user in org.users for m in user.memberships]


# -- the services: the 12338 hotline, counselling at the registry, a counselling project ----------

def _call(category: str, summary: str, **caller) -> dict:
    return {"channel": "hotline_12338", "line": "main", "caller_anonymous": False, "caller_relation": "self",
            "callback_agreed": True, "category": category, "summary": summary, **caller}


def _hotline_call_at_the_legal_line() -> DemoCase:
    call = _call("rights_violation", "怀孕后被单位辞退，咨询如何维权", caller_name="刘梅", caller_sex="female",
                 caller_phone="13900000011", caller_requests="希望恢复工作或获得赔偿")
    steps = (Step("answer_call", "county_clerk", {
        "answer_summary": "初步告知妇女权益保障法对孕期女职工的保护，需律师进一步解答", "disposition": "specialist",
        "specialist_line": "legal", "transfer_note": "孕期被辞退，咨询劳动仲裁和赔偿", "caller_told_where": True}),)
    return DemoCase(9, "town", "hotline_12338", call, steps, "12338来电：已转律师专线，待律师解答",
                    received_hours_ago=3, process="hotline_call", received_field="call_received_at")


def _hotline_call_answered() -> DemoCase:
    call = {**_call("legal_question", "咨询离婚时婚前房产如何分割", caller_name="王丽", caller_sex="female"),
            "callback_agreed": False, "call_minutes": 12}
    steps = (Step("answer_call", "county_clerk", {
        "answer_summary": "告知民法典第1063条：一方婚前财产为个人财产；婚后共同还贷部分及增值可协商或由法院判决",
        "disposition": "answered"}),)
    return DemoCase(10, "village-a", "hotline_12338", call, steps, "12338来电：当场解答办结",
                    received_hours_ago=30, process="hotline_call", received_field="call_received_at")


def _couple(day: str, wife: str, husband: str, summary: str) -> dict:
    return {"registry_name": "和美镇婚姻登记处", "application_received_on": day,
            "wife": {"name": wife, "age": 31, "phone": "13900000101"},
            "husband": {"name": husband, "age": 33, "phone": "13900000102"},
            "married_on": "2019-05-20", "children_involved": 1, "agreement_status": "partial", "summary": summary}


_NO_DV_SIGN = {"screened_separately": True, "physical_violence": False, "current_injury": False, "threats": False,
               "weapon_used": False, "strangulation": False, "coercive_control": False, "afraid_of_partner": False,
               "stalking": False, "police_callouts_12m": 0}


def _registered(day: str) -> tuple[Step, Step]:
    return (Step("register_couple", INTAKE_ACTOR, {"registered_at": f"{day}T09:10:00+08:00", "both_present": True,
                                                   "rights_explained": True, "counselling_consent": "both"}),
            Step("screen_risk", INTAKE_ACTOR, _NO_DV_SIGN))


def _session(day: str, notes: str, result: str) -> Step:
    return Step("counselling_session", "psychologist", {"session_on": day, "counsellor": "周心理", "session_mode": "joint",
                                                        "voluntary": True, "session_notes": notes,
                                                        "session_result": result})


def _couple_in_counselling(day: str) -> DemoCase:
    # registered at the town, whose 和合之家 desk the town's psychologist serves
    intake = _couple(day, "赵敏", "孙涛", "双方因家务分担和照顾老人长期争吵，协议离婚")
    steps = (*_registered(day), _session(day, "双方回顾婚姻经历，男方承认对家务投入不足，女方情绪有所缓和", "continue"))
    return DemoCase(11, "town", "referral", intake, steps, "和合之家：冷静期内辅导中，待第二次辅导",
                    received_hours_ago=6, process="marriage_counselling", received_field=None)


def _couple_reconciled(day: str) -> DemoCase:
    intake = _couple(day, "钱芳", "李军", "丈夫长期在外务工，夫妻沟通少，一时冲动协议离婚")
    steps = (*_registered(day), _session(day, "双方约定每周视频沟通、春节共同回家，愿意给婚姻一次机会", "reconciled"),
             Step("confirm_withdrawal", INTAKE_ACTOR, {"withdrawn_on": day, "withdrawn_by": "both",
                                                       "registry_confirmed": True}))
    return DemoCase(12, "town", "referral", intake, steps, "和合之家：劝和成功，已撤回离婚登记申请，待告知",
                    received_hours_ago=8, process="marriage_counselling", received_field=None)


def _family_in_a_counselling_project(day: str) -> DemoCase:
    intake = {"referred_on": day, "referral_source": "dispute_case",
              "family": {"contact_name": "王丽", "contact_phone": "13900000501", "address": "和美镇东村5组8号",
                         "members": [{"name": "王丽", "relation": "self", "sex": "female", "age": 38},
                                     {"name": "张小明", "relation": "child", "sex": "male", "age": 12}]},
              "children_involved": 1,
              "summary": "纠纷调解后母子冲突仍频繁，孩子厌学，母亲情绪低落，需要心理咨询和亲子关系指导",
              "organisation": "宜心社会工作服务中心", "street": "和美镇", "family_consent": True}
    steps = (Step("review_referral", "rights_officer", {"decision": "accept", "counsellor_assigned": "周心理"}),
             Step("intake_assessment", "psychologist", {
                 "assessed_on": day, "counsellor": "周心理", "presenting_problems": ["parent_child", "emotional_distress"],
                 "problem_notes": "母亲对孩子学业焦虑，常打骂后自责；孩子拒绝沟通", "self_harm_risk": False,
                 "dv_signs": False, "possible_mental_disorder": False, "planned_sessions": 3,
                 "session_interval": "weekly", "goals": "改善亲子沟通，缓解母亲焦虑情绪"}))
    return DemoCase(13, "town", "referral", intake, steps, "心理咨询服务项目：首次评估完成，待第一次咨询",
                    received_hours_ago=26, process="counselling_service", received_field=None)
