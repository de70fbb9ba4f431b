"""Six months of demo history, so that the cockpit, the 督办 list and the reports show what a
town's half-year looks like: every channel, dispute type, risk colour and handling level; most
commitments kept, some late; some cases escalated by a missed deadline; and, at today's date,
open cases at every step, some of them overdue.

Each past case is a story: its registration and the acts people did on it, each some hours or
days after the last. All stories run on one clock that only moves forward, through the
Runtime as users drive it, with the timers firing as the clock passes them (so a level that
lets its deadline pass is escalated by the process itself, not by this file). An act that
would fall after now is not done: the case stands there today. Stories come from a fixed
random seed, so every demo database tells the same half-year, dated back from its first start.
Seeding again adds nothing (the business keys are "demo-history:<n>").
"""
from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.clock import ManualClock
from engine.demo import CHINA, INTAKE_ACTOR, PROCESS, _intake, _screening
from engine.errors import Conflict
from engine.runtime.runtime import Runtime
from engine.store import Store
from engine.store import repository as repo

HISTORY_DAYS = 180
STORIES = 140
SEED = 12338
GRID_WORKERS = {"grid-a1": "grid_a1", "grid-a2": "grid_a1", "grid-b1": "grid_b1", "grid-b2": "grid_b1"}
MEDIATORS = {"grid-a1": "mediator_a", "grid-a2": "mediator_a", "grid-b1": "mediator_b", "grid-b2": "mediator_b"}
CHANNELS = (("phone", 26), ("hotline_12338", 18), ("visit", 20), ("grid_screening", 18), ("online", 10),
            ("letter", 4), ("referral", 4))
DISPUTES = {
    "marital_conflict": "夫妻因家务分担和家庭开支长期争吵，要求调解",
    "domestic_violence": "妻子反映丈夫酒后多次推搡辱骂，请求妇联帮助",
    "divorce": "夫妻一方坚持离婚，另一方不同意，双方就财产分割各执一词",
    "custody": "离异双方就孩子抚养和探望时间发生争执",
    "support": "子女对老人赡养费用分摊意见不一，老人来访求助",
    "property": "家庭成员因宅基地和房屋归属发生纠纷",
    "inheritance": "兄妹因父母遗产分配产生矛盾",
    "in_laws": "婆媳因照看孩子的方式多次争执，丈夫两头为难",
    "other": "家庭成员间因债务问题发生矛盾",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN_F, GIVEN_M = "秀英桂兰玉兰丽娟敏静芳霞红梅燕琳雪萍", "建国志强伟明军勇磊涛斌超刚平辉鹏"


@dataclass(frozen=True)
class Act:
    """One thing a person does in a story: `after` the previous act, `who` completes `task`."""

    after: timedelta
    task: str
    who: str
    data: Callable[[datetime], dict] = lambda at: {}


@dataclass(frozen=True)
class Story:
    number: int
    received: datetime
    org_unit: str
    channel: str
    intake: dict
    acts: tuple[Act, ...]

    @property
    def business_key(self) -> str:
        return f"demo-history:{self.number}"


@dataclass
class HistorySummary:
    created: int = 0
    existing: int = 0
    acts_done: int = 0
    # Stories the process took elsewhere than written (e.g. a timer escalated first): the case
    # stays where the process put it; a test keeps this at zero for the shipped processes.
    diverted: list[str] = field(default_factory=list)


# -- running the stories ----------------------------------------------------------------------

def seed_history(runtime: Runtime, store: Store, now: datetime, stories: list[Story] | None = None) -> HistorySummary:
    """Play the stories up to `now` on a clock of their own; then fire what fell due since."""
    stories = history_stories(now) if stories is None else stories
    summary = HistorySummary()
    fresh = [s for s in stories if not _exists(store, s.business_key)]
    summary.existing = len(stories) - len(fresh)
    if not fresh:
        return summary
    clock = ManualClock(min(s.received for s in fresh))
    # No notifier: nobody is told today of what happened months ago.
    player = _Player(Runtime(store, clock=clock, router=runtime.router, calendar=runtime.sandbox.calendar), clock)
    for at, story, index in _agenda(fresh, now):
        player.move_to(at)
        if index < 0:
            player.register(story)
            summary.created += 1
        elif player.plays(story) and player.act(story, story.acts[index]):
            summary.acts_done += 1
        elif player.plays(story):
            summary.diverted.append(f"{story.business_key}: {story.acts[index].task}")
            player.drop(story)  # the rest of the story no longer fits the case
    player.move_to(now)
    return summary


class _Player:
    """Plays stories on one forward-moving clock. It remembers each case's tasks from the last
    answer and the next timer due, so that it reads a workflow back only when a timer fired."""

    def __init__(self, runtime: Runtime, clock: ManualClock):
        self.runtime, self.clock = runtime, clock
        self.views: dict[int, object] = {}  # story number -> the case as last seen (None: read again)
        self.case_ids: dict[int, str] = {}
        self.next_timer: datetime | None = None

    def move_to(self, at: datetime) -> None:
        self.clock.set(at)
        if self.next_timer is not None and self.next_timer <= at:
            self.runtime.fire_due_timers(actor="timer")
            with self.runtime.store.read() as session:
                self.next_timer = repo.earliest_timer_due(session)
            # Only the cases whose timer was due can have moved.
            self.views = {n: None if v is None or (v.next_due_at is not None and v.next_due_at <= at) else v
                          for n, v in self.views.items()}

    def register(self, story: Story) -> None:
        data = {"channel": story.channel, **story.intake,
                "received_at": story.received.astimezone(CHINA).isoformat(timespec="seconds")}
        self._saw(story, self.runtime.start(PROCESS, actor=INTAKE_ACTOR, data=data, org_unit=story.org_unit,
                                            business_key=story.business_key))

    def plays(self, story: Story) -> bool:
        return story.number in self.views

    def drop(self, story: Story) -> None:
        del self.views[story.number]

    def act(self, story: Story, act: Act) -> bool:
        cached = self.views[story.number]
        task = _ready(cached, act.task) if cached is not None else None
        if task is not None:
            try:
                self._saw(story, self.runtime.complete(task.id, act.data(self.clock.now()), actor=act.who))
                return True
            except Conflict:  # the remembered task moved on meanwhile: look again
                pass
        fresh = self.views[story.number] = self.runtime.instance(self.case_ids[story.number])
        task = _ready(fresh, act.task)
        if task is None:
            return False
        self._saw(story, self.runtime.complete(task.id, act.data(self.clock.now()), actor=act.who))
        return True

    def _saw(self, story: Story, view) -> None:
        self.views[story.number] = view
        self.case_ids[story.number] = view.id
        due = view.next_due_at
        if due is not None and (self.next_timer is None or due < self.next_timer):
            self.next_timer = due


def _ready(view, name: str):
    return next((t for t in view.tasks if t.name == name and t.state == "ready"), None)


def _agenda(stories: list[Story], now: datetime):
    """Every registration and act in time order (-1 stands for the registration); none after now."""
    queue = []
    for story in stories:
        at = story.received
        heapq.heappush(queue, (at, story.number, -1, story))
        for index, act in enumerate(story.acts):
            at += act.after
            heapq.heappush(queue, (at, story.number, index, story))
    while queue:
        at, _, index, story = heapq.heappop(queue)
        if at > now:
            return
        yield at, story, index


def _exists(store: Store, business_key: str) -> bool:
    with store.read() as session:
        return repo.instance_by_business_key(session, business_key) is not None


# -- writing the stories ----------------------------------------------------------------------

def history_stories(now: datetime, count: int = STORIES, seed: int = SEED) -> list[Story]:
    rng = random.Random(seed)
    return [_story(rng, number, now) for number in range(1, count + 1)]


def _story(rng: random.Random, number: int, now: datetime) -> Story:
    plot = rng.choices(PLOTS, [w for _, w, _ in PLOTS])[0]
    # Neglected cases are recent: an office does not leave them for months.
    recent = plot[0].startswith("stalled_")
    days_ago = rng.uniform(0.5, 30 if recent else HISTORY_DAYS)
    received = (now - timedelta(days=days_ago)).replace(microsecond=0)
    org_unit = rng.choice(sorted(GRID_WORKERS))
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    dispute = plot[0].split(":")[1] if ":" in plot[0] else rng.choice([d for d in DISPUTES if d != "domestic_violence"])
    intake = _intake(dispute, DISPUTES[dispute], _person(rng, "applicant", "female"),
                     _person(rng, "respondent", rng.choice(["male", "female"])))
    if channel == "referral":
        intake["referral_source"] = rng.choice(["police", "court"])
    return Story(number, received, org_unit, channel, intake, tuple(plot[2](rng, org_unit)))


def _person(rng: random.Random, role: str, sex: str) -> tuple:
    given = GIVEN_F if sex == "female" else GIVEN_M
    start = rng.randrange(0, len(given) - 1, 2)
    return (rng.choice(SURNAMES) + given[start:start + 2], role, sex, rng.randint(24, 78))


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


def _days(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(days=rng.uniform(low, high))


def _late(rng: random.Random, share: float) -> bool:
    return rng.random() < share


def _day(at: datetime) -> str:
    return at.astimezone(CHINA).date().isoformat()


def _stamp(at: datetime) -> str:
    return at.astimezone(CHINA).isoformat(timespec="seconds")


# The acts of each kind of story. Delays keep inside the deadlines, except the share made late
# on purpose (acceptance, feedback, the follow-up visit), so the commitments are mostly kept.

def _screen(rng, colour: str) -> Act:
    answers = {"blue": {"complexity": "minor"}, "yellow": {"recent_separation": True, "complexity": "general"},
               "orange": {"stalking": True, "victim_frightened": True, "escalation": True,
                          "police_callouts_12m": 1, "complexity": "complex"},
               "red": {"weapon_used": True, "threats_to_kill": True, "victim_frightened": True,
                       "police_callouts_12m": 2, "complexity": "complex", "victim_safe_now": False}}[colour]
    return Act(_hours(rng, 0.2, 3), "screen_risk", INTAKE_ACTOR, lambda at: _screening(**answers))


def _accept(rng, colour: str, decision: str = "accept") -> Act:
    usual = {"red": (0.1, 0.8), "orange": (0.5, 6), "yellow": (1, 30), "blue": (2, 48)}[colour]
    delay = _days(rng, 3.5, 6) if colour == "blue" and _late(rng, 0.15) else _hours(rng, *usual)
    data = {"decision": decision} if decision == "accept" else {
        "decision": decision, "not_accepted_reason": "属劳动争议，已告知向劳动仲裁委员会申请"}
    return Act(delay, "accept_case", INTAKE_ACTOR, lambda at: data)


# What a successful mediation writes for its 调解协议书 (人民调解法第29条).
AGREEMENT = {"dispute_facts": "双方因家庭事务长期争执，互不相让，各自负有沟通不足的责任",
             "agreement_terms": "双方按协议履行各自义务，互相尊重", "performance": "自调解之日起履行，调解员回访监督"}


def _mediate(rng, who: str, result: str, days: tuple[float, float]) -> Act:
    summaries = {"resolved": "双方达成和解，签订书面调解协议", "failed": "双方分歧较大，未能达成一致",
                 "withdrawn": "双方自行和解，申请人撤回调解申请"}
    # A failure hands the case on at once (move_up), also where a profile allows the tier more tries
    return Act(_days(rng, *days), "mediate", who,
               lambda at: {"result": result, "mediated_on": _day(at), "mediation_summary": summaries[result],
                           **({"move_up": True} if result == "failed" else {}),
                           **(AGREEMENT if result == "resolved" else {})})


def _experts(rng) -> list[Act]:
    return [Act(_days(rng, 0.5, 3), "legal_opinion", "lawyer", lambda at: {"opinion": "宜先行调解，调解不成可依法起诉"}),
            Act(_hours(rng, 2, 30), "psych_assessment", "psychologist",
                lambda at: {"assessment": "双方情绪基本稳定，可以调解", "needs_ongoing_support": False})]


def _outcome(rng, outcome: str, mediator: str = "") -> Act:
    data = {"outcome": outcome, "outcome_summary": {
        "mediated_agreement": "达成书面调解协议", "withdrawn_by_party": "申请人撤回",
        "not_accepted": "不属于受理范围", "unresolved_guided_to_litigation": "调解不成，已告知诉讼途径和法律援助渠道"}[outcome]}
    if outcome == "mediated_agreement":
        data["agreement"] = {"form": "written", "terms": "双方按协议履行各自义务，互相尊重", "signed_by_parties": True,
                             "mediator": mediator, "committee_seal": True, "judicial_confirmation": "declined"}
    if outcome == "not_accepted":
        data["not_accepted_reason"] = "属劳动争议"
    return Act(_hours(rng, 2, 30), "record_outcome", INTAKE_ACTOR, lambda at: data)


def _feedback(rng) -> Act:
    delay = _days(rng, 9, 14) if _late(rng, 0.12) else _days(rng, 0.2, 3)
    satisfaction = rng.choices(["satisfied", "basically_satisfied", "dissatisfied", "unreachable"], [60, 28, 8, 4])[0]
    method = rng.choice(["phone", "visit", "sms"])
    return Act(delay, "feedback_to_party", INTAKE_ACTOR, lambda at: {
        "method": method, "fed_back_at": _stamp(at), "party_satisfaction": satisfaction})


def _visit(rng, who: str, colour: str) -> Act:
    within = {"blue": 170, "yellow": 85, "orange": 28}[colour]
    delay = _days(rng, within + 3, within + 20) if _late(rng, 0.1) else _days(rng, within * 0.3, within * 0.9)
    return Act(delay, "follow_up_visit", who, lambda at: {
        "visited_on": _day(at), "visit_method": "visit", "agreement_performance": "fully",
        "renewed_conflict": False, "new_colour": colour, "close_aftercare": True})


def _resolved_at_grid(rng, unit):
    return [_screen(rng, "blue"), _accept(rng, "blue"),
            _mediate(rng, GRID_WORKERS[unit], "resolved", (0.5, 4.5)), _outcome(rng, "mediated_agreement", "网格员"),
            _feedback(rng), _visit(rng, MEDIATORS[unit], "blue")]


def _escalated_by_missed_deadline(rng, unit):
    # The grid lets its 7-day deadline pass: the process warns the supervisor on day 5 and
    # moves the case to the village on day 7 by itself.
    return [_screen(rng, "blue"), _accept(rng, "blue"),
            Act(timedelta(days=5, hours=2), "remind_supervisor", "supervisor_town",
                lambda at: {"acknowledged": True, "instruction": "请网格员两日内结案"}),
            Act(timedelta(days=2, hours=3), "mediate", MEDIATORS[unit],
                lambda at: {"result": "resolved", "mediated_on": _day(at), "mediation_summary": "村调委会调解成功",
                            **AGREEMENT}),
            _outcome(rng, "mediated_agreement", "村调解员"), _feedback(rng), _visit(rng, MEDIATORS[unit], "blue")]


def _resolved_at_village(rng, unit):
    return [_screen(rng, "yellow"), _accept(rng, "yellow"),
            _mediate(rng, MEDIATORS[unit], "resolved", (2, 20)), _outcome(rng, "mediated_agreement", "村调解员"),
            _feedback(rng), _visit(rng, MEDIATORS[unit], "yellow")]


def _village_fails_town_decides(rng, unit):
    town = rng.choices(["resolved", "failed"], [65, 35])[0]
    return [_screen(rng, "yellow"), _accept(rng, "yellow"), _mediate(rng, MEDIATORS[unit], "failed", (3, 18)),
            *_experts(rng), _mediate(rng, "town_mediator", town, (2, 20)), *_town_ending(rng, unit, town, "yellow")]


def _orange_at_town(rng, unit):
    town = rng.choices(["resolved", "failed"], [55, 45])[0]
    return [_screen(rng, "orange"), _accept(rng, "orange"), *_experts(rng),
            _mediate(rng, "town_mediator", town, (3, 22)), *_town_ending(rng, unit, town, "orange")]


def _town_ending(rng, unit, result: str, colour: str) -> list[Act]:
    if result == "resolved":
        return [_outcome(rng, "mediated_agreement", "镇调解员"), _feedback(rng), _visit(rng, MEDIATORS[unit], colour)]
    return [Act(_days(rng, 0.5, 4), "guide_litigation", "lawyer",
                lambda at: {"guided_to": "court", "legal_aid_offered": True, "wants_legal_aid": False}),
            _outcome(rng, "unresolved_guided_to_litigation"), _feedback(rng), _visit(rng, MEDIATORS[unit], colour)]


def _not_accepted(rng, unit):
    return [_screen(rng, "blue"), _accept(rng, "blue", "not_accept"), _outcome(rng, "not_accepted"), _feedback(rng)]


def _withdrawn(rng, unit):
    return [_screen(rng, "yellow"), _accept(rng, "yellow"), _mediate(rng, MEDIATORS[unit], "withdrawn", (1, 10)),
            _outcome(rng, "withdrawn_by_party"), _feedback(rng)]


def _red_joint_handling(rng, unit):
    # Red: never mediated. Police told within the hour, a shelter, a safety plan; the
    # federation applies for a protection order for her and refers her to legal aid; then
    # the outcome is recorded and told. The newest of these stand open somewhere on the way.
    def h(low, high):
        return _hours(rng, low, high)

    court, station = "示范县人民法院", "和美镇派出所"
    return [
        _screen(rng, "red"), _accept(rng, "red"),
        Act(h(0.1, 0.8), "report_to_police", "rights_officer", lambda at: {
            "police_station": station, "reported_at": _stamp(at), "warning_letter_issued": True}),
        Act(h(0.5, 3), "shelter_referral", "rights_officer", lambda at: {
            "shelter_needed": True, "shelter_name": "县救助管理站", "admitted_at": _stamp(at)}),
        Act(h(1, 12), "safety_plan", GRID_WORKERS[unit], lambda at: {"plan": "更换门锁；紧急时拨打110并联系网格员"}),
        Act(h(0.5, 6), "accept_request", "lawyer", lambda at: {
            "applied_by": "federation_on_behalf", "urgent": True, "requested_measures": ["no_violence", "no_contact"],
            "court": court, "evidence": "派出所报警回执、告诫书、妇联求助记录", "safe_contact": "13800009999",
            "current_shelter": "县救助管理站", "urgent_reason": "施暴人持刀威胁", "behalf_reason": "coerced"}),
        Act(h(1, 4), "file_application", "lawyer", lambda at: {
            "court": court, "filed_at": _stamp(at), "filing_no": "（2026）示0101民保令号", "filed_by": "孙律师"}),
        Act(h(6, 20), "record_ruling", "lawyer", lambda at: {
            "ruling": "granted", "ruled_at": _stamp(at), "ruling_no": "（2026）示0101民保令号",
            "measures_granted": ["no_violence", "no_contact"], "valid_until": _day(at + timedelta(days=180))}),
        Act(h(1, 6), "notify_police", "rights_officer", lambda at: {
            "police_station": station, "delivered_at": _stamp(at), "officer": "王警官"}),
        Act(h(0.5, 4), "notify_committee", GRID_WORKERS[unit], lambda at: {
            "committee_name": "村民委员会", "delivered_at": _stamp(at), "contact_person": "村妇联主席"}),
        Act(h(1, 8), "record_order_outcome", INTAKE_ACTOR,
            lambda at: {"outcome_summary": "法院作出人身安全保护令，已送达派出所和村委会"}),
        Act(h(1, 8), "feedback_to_victim", INTAKE_ACTOR, lambda at: {
            "method": "in_person", "fed_back_at": _stamp(at), "party_satisfaction": "satisfied",
            "safety_advice_given": True}),
        Act(h(1, 20), "accept_referral", "lawyer", lambda at: {
            "dv_victim": True, "exemption_category": "none", "aid_type": "civil_agency",
            "aid_matter": "离婚纠纷诉讼代理", "dv_evidence": "公安机关家庭暴力告诫书一份"}),
        Act(h(2, 20), "submit_application", "lawyer", lambda at: {
            "legal_aid_centre": "示范县法律援助中心", "submitted_at": _stamp(at), "application_no": "FY-2026",
            "materials_complete": True}),
        Act(h(20, 60), "record_decision", "lawyer", lambda at: {
            "aid_decision": "granted", "decided_at": _stamp(at), "decision_no": "县法援决〔2026〕号"}),
        Act(h(4, 24), "assign_lawyer", "lawyer", lambda at: {
            "lawyer_name": "孙律师", "law_firm": "示范县和美律师事务所", "assigned_at": _stamp(at),
            "lawyer_contact": "0351-5550123"}),
        Act(h(1, 8), "record_aid_outcome", INTAKE_ACTOR, lambda at: {"outcome_summary": "免予经济困难审查，给予法律援助"}),
        Act(h(1, 20), "feedback_to_applicant", INTAKE_ACTOR, lambda at: {
            "method": "phone", "fed_back_at": _stamp(at), "party_satisfaction": "satisfied"}),
        Act(h(2, 30), "record_outcome", INTAKE_ACTOR, lambda at: {
            "outcome": "referred_to_police", "outcome_summary": "移交公安处理，法院已作出人身安全保护令，法律援助中心指派律师",
            "referral_target": station}),
        _feedback(rng),
    ]


def _stalled_before_feedback(rng, unit):
    # Mediated, recorded, and then nobody told the party: 有果必公 overdue.
    return [_screen(rng, "blue"), _accept(rng, "blue"), _mediate(rng, GRID_WORKERS[unit], "resolved", (0.5, 4)),
            _outcome(rng, "mediated_agreement", "网格员")]


# (name[:dispute type], weight, acts)
PLOTS: tuple[tuple[str, int, Callable], ...] = (
    ("resolved_at_grid", 30, _resolved_at_grid),
    ("escalated_by_missed_deadline", 7, _escalated_by_missed_deadline),
    ("resolved_at_village", 20, _resolved_at_village),
    ("village_fails_town_decides", 11, _village_fails_town_decides),
    ("orange_at_town", 10, _orange_at_town),
    ("not_accepted", 6, _not_accepted),
    ("withdrawn", 6, _withdrawn),
    ("red_joint_handling:domestic_violence", 5, _red_joint_handling),
    ("stalled_before_feedback", 6, _stalled_before_feedback),
)
