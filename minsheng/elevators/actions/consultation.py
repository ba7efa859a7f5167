"""The owners' side: votes entered from the paper forms (each one updates the application's
running sums, never a recount), the dwellings whose exclusive part the shaft occupies,
objections and their mediation."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from minsheng.core import clock
from minsheng.core.errors import ActionError, NotAllowed
from minsheng.core.text import check_date, check_text
from minsheng.elevators import rules
from minsheng.elevators.actions._base import locked, require_open, write_event
from minsheng.elevators.actions.register import check_area
from minsheng.elevators.models import (
    Application,
    ApplicationEvent,
    Choice,
    Dwelling,
    EventKind,
    Mediation,
    MediationLevel,
    Objection,
    ObjectionState,
    Owner,
    ShaftDwelling,
    Vote,
)
from minsheng.elevators.stages import ORDER, Stage
from minsheng.org.models import User

MAX_COMPENSATION = Decimal("10000000")


def _may_run(actor: User | None, application: Application) -> None:
    if actor is not None and not rules.may_run_consultation(actor, application):
        raise NotAllowed("只有所在街道、社区的工作人员可以录入表决意见、登记异议和调解。")


def _head_state(application: Application, voter_id: int) -> tuple[bool, bool]:
    """(takes part, agrees) for one owner from his votes in this application: he agrees as a head
    only if every dwelling he voted for agrees (consent.py). An owner has one or a few dwellings,
    so this reads a handful of rows by the (application, voter) index, whatever the building.
    Written out: on every vote, and the ORM takes longer to build it than the database to run it."""
    quote = connection.ops.quote_name
    meta = Vote._meta
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(meta.get_field('choice').column)} FROM {quote(meta.db_table)} "
                       f"WHERE {quote(meta.get_field('application').column)} = %s AND {quote(meta.get_field('voter').column)} = %s",
                       [application.pk, voter_id])
        choices = [choice for (choice,) in cursor.fetchall()]
    return bool(choices), bool(choices) and all(choice == Choice.AGREE for choice in choices)


SUMS = ["participating_area", "participating_heads", "agreeing_area", "agreeing_heads", "blocking_owners"]


def _insert_sql(instance) -> tuple[str, list]:
    """INSERT … RETURNING id for a new model instance, its columns and values as the model's
    fields prepare them (so a field added to the model is written here too)."""
    fields = [f for f in instance._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(instance._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(instance._meta.pk.column)}")
    return sql, values


def _store_vote(application: Application, vote: Vote, event: ApplicationEvent) -> None:
    """Insert the vote and its event and save the new sums. On PostgreSQL in one statement (a
    data-modifying WITH): the vote is the programme's busiest write, and three statements built
    by the ORM cost three times its ~0.8 ms each on the reference machine
    (bench/results/elevators.md); SQLite, in-process, has no round trips to save."""
    if connection.vendor != "postgresql":
        vote.save(force_insert=True)
        application.save(update_fields=SUMS)
        event.save(force_insert=True)
        return
    quote = connection.ops.quote_name
    vote_sql, vote_params = _insert_sql(vote)
    event_sql, event_params = _insert_sql(event)
    fields = [Application._meta.get_field(name) for name in SUMS]
    sums_sql = (f"UPDATE {quote(Application._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
                f"WHERE {quote(Application._meta.pk.column)} = %s")
    sums_params = [f.get_db_prep_save(getattr(application, f.attname), connection) for f in fields] + [application.pk]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH new_vote AS ({vote_sql}), new_sums AS ({sums_sql}), new_event AS ({event_sql}) "
                       "SELECT (SELECT id FROM new_vote), (SELECT id FROM new_event)",
                       vote_params + sums_params + event_params)
        vote.pk, event.pk = cursor.fetchone()
    vote._state.adding = event._state.adding = False


@transaction.atomic
def do_record_vote(application: Application, *, dwelling: Dwelling, voter: Owner, area, choice: str, cast_on: date,
                   actor: User | None) -> Vote:
    """One dwelling's vote from its paper form. The area must be the register's; a dwelling votes
    once."""
    application = locked(application)
    require_open(application)
    _may_run(actor, application)
    if application.stage != Stage.CONSULTATION:
        raise ActionError(f"申请处于“{application.get_stage_display()}”环节，只有在征求意见和表决环节才能录入表决意见。", field="stage")
    if dwelling.entrance_id != application.entrance_id:
        raise ActionError(f"{dwelling}不在本申请的范围（{application.entrance}）内。", field="dwelling")
    # The registered voter is one of the dwelling's owners by the register's construction
    # (register.py, history.py): only another signatory needs looking up.
    if voter.pk != dwelling.voter_id and not dwelling.owners.filter(pk=voter.pk).exists():
        raise ActionError(f"{voter.name}不是{dwelling.number}室的产权人，不能代表该户表决。", field="voter")
    area = check_area(area)
    if area != dwelling.area:
        raise ActionError(f"专有部分面积与产权登记不符：{dwelling.number}室登记为{dwelling.area}㎡，表决票上为{area}㎡。", field="area")
    if choice not in Choice.values:
        raise ActionError("请选择同意、不同意或弃权。", field="choice")
    cast_on = check_date(cast_on, field="cast_on", label="表决日期")
    if cast_on is None or cast_on > timezone.localtime(clock.now()).date() or cast_on < application.filed_on:
        raise ActionError("表决日期应在申请日期和今天之间。", field="cast_on")
    # The dwelling votes through its registered voter: co-owners vote once, as one head.
    head_id = dwelling.voter_id
    took_part, agreed = _head_state(application, head_id)
    takes_part, agrees = True, (not took_part or agreed) and choice == Choice.AGREE
    application.participating_area += area
    application.participating_heads += int(takes_part) - int(took_part)
    if choice == Choice.AGREE:
        application.agreeing_area += area
    application.agreeing_heads += int(agrees) - int(agreed)
    # A shaft dwelling blocks from the moment it is marked until its owner agrees (with nothing
    # blocking there is no shaft dwelling awaiting its vote: no need to look).
    if choice == Choice.AGREE and application.blocking_owners and application.shaft_dwellings.filter(dwelling=dwelling).exists():
        application.blocking_owners -= 1
    now = clock.now()
    vote = Vote(application=application, dwelling=dwelling, voter_id=head_id, area=area, choice=choice, cast_on=cast_on,
                recorded_by=actor, recorded_at=now)
    event = ApplicationEvent(application=application, kind=EventKind.VOTE, actor=actor, created_at=now,
                             stage=application.stage,
                             note=f"录入{dwelling.number}室表决意见（{Choice(choice).label}）。{application.tally.missing_words()}",
                             data={"dwelling": dwelling.pk, "choice": choice, "voted_for": voter.pk})
    # A second vote for the dwelling is refused by the unique constraint (vote_one_per_dwelling),
    # not by a query of its own before; the action's transaction is rolled back with the refusal.
    try:
        _store_vote(application, vote, event)
    except IntegrityError:
        raise ActionError(f"{dwelling.number}室已经表决，同一户只能表决一次。", field="dwelling") from None
    return vote


@transaction.atomic
def do_mark_shaft_dwelling(application: Application, *, dwelling: Dwelling, actor: User | None) -> ShaftDwelling:
    """The design puts the shaft or a landing on this dwelling's exclusive part: without its
    owner's agreement the lift cannot pass, whatever the ratios."""
    application = locked(application)
    require_open(application)
    _may_run(actor, application)
    if ORDER[application.stage] > ORDER[Stage.DESIGN]:
        raise ActionError("设计方案确定后不能再改动占用专有部分的户。", field="stage")
    if dwelling.entrance_id != application.entrance_id:
        raise ActionError(f"{dwelling}不在本申请的范围（{application.entrance}）内。", field="dwelling")
    shaft, created = ShaftDwelling.objects.get_or_create(application=application, dwelling=dwelling)
    if created:
        vote = application.votes.filter(dwelling=dwelling).first()
        if vote is None or vote.choice != Choice.AGREE:
            application.blocking_owners += 1
            application.save(update_fields=["blocking_owners"])
        write_event(application, EventKind.SHAFT, actor=actor, note=f"{dwelling.number}室专有部分被井道或连廊占用，须经该户同意。",
                    data={"dwelling": dwelling.pk})
    return shaft


@transaction.atomic
def do_file_objection(application: Application, *, reason: str, filed_on: date, dwelling: Dwelling | None = None,
                      actor: User | None) -> Objection:
    application = locked(application)
    require_open(application)
    _may_run(actor, application)
    reason = check_text((reason or "").strip(), field="reason", label="异议内容")
    if not reason:
        raise ActionError("请填写异议内容。", field="reason")
    if len(reason) > 2000:
        raise ActionError("异议内容不能超过2000字。", field="reason")
    filed_on = check_date(filed_on, field="filed_on", label="提出日期")
    if filed_on is None or filed_on > timezone.localtime(clock.now()).date():
        raise ActionError("提出日期不能晚于今天。", field="filed_on")
    if dwelling is not None and dwelling.entrance_id != application.entrance_id:
        raise ActionError(f"{dwelling}不在本申请的范围内。", field="dwelling")
    objection = Objection.objects.create(application=application, dwelling=dwelling, reason=reason, filed_on=filed_on,
                                         during_publicity=application.stage == Stage.PUBLICITY)
    write_event(application, EventKind.OBJECTION, actor=actor, is_public=objection.during_publicity,
                note="公示期内收到异议，转入调解。" if objection.during_publicity else "登记业主异议。",
                data={"objection": objection.pk})
    return objection


@transaction.atomic
def do_record_mediation(objection: Objection, *, held_on: date, level: str, mediator: str, summary: str, agreed: bool,
                        compensation=None, actor: User | None) -> Mediation:
    """One mediation session. An agreement closes the objection as resolved, with the
    compensation agreed (if any)."""
    application = locked(objection.application)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _may_run(actor, application)
    if objection.state != ObjectionState.OPEN:
        raise ActionError(f"该异议已{objection.get_state_display()}。", field="objection")
    if level not in MediationLevel.values:
        raise ActionError("请选择调解层级。", field="level")
    held_on = check_date(held_on, field="held_on", label="调解日期")
    if held_on is None or held_on < objection.filed_on or held_on > timezone.localtime(clock.now()).date():
        raise ActionError("调解日期应在异议提出之日和今天之间。", field="held_on")
    mediator = check_text((mediator or "").strip(), field="mediator", label="调解人")
    summary = check_text((summary or "").strip(), field="summary", label="调解情况")
    if not mediator:
        raise ActionError("请填写调解人。", field="mediator")
    if not summary:
        raise ActionError("请填写调解情况。", field="summary")
    amount = None
    if compensation not in (None, ""):
        from minsheng.elevators.actions.applications import _money

        amount = _money(compensation, field="compensation", label="补偿金额")
        if amount > MAX_COMPENSATION:
            raise ActionError("补偿金额过大，请核对。", field="compensation")
    mediation = Mediation.objects.create(objection=objection, held_on=held_on, level=level, mediator=mediator[:60],
                                         summary=summary[:4000], agreed=agreed)
    if agreed:
        objection.state, objection.outcome, objection.compensation = ObjectionState.RESOLVED, summary[:4000], amount
        objection.save(update_fields=["state", "outcome", "compensation"])
    write_event(application, EventKind.MEDIATION, actor=actor, is_public=objection.during_publicity and agreed,
                note=f"{MediationLevel(level).label}：{'达成协议，异议化解' if agreed else '未达成协议'}。",
                data={"objection": objection.pk, "mediation": mediation.pk, "agreed": agreed,
                      "compensation": str(amount) if amount is not None else None})
    return mediation


@transaction.atomic
def do_close_objection(objection: Objection, *, state: str, outcome: str, actor: User | None) -> Objection:
    """An objection ends without a mediated agreement: withdrawn by the owner, or not resolved
    (the reviewing authority then weighs it)."""
    application = locked(objection.application)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _may_run(actor, application)
    if objection.state != ObjectionState.OPEN:
        raise ActionError(f"该异议已{objection.get_state_display()}。", field="objection")
    if state not in (ObjectionState.WITHDRAWN, ObjectionState.UNRESOLVED):
        raise ActionError("请选择撤回或未化解。", field="state")
    outcome = check_text((outcome or "").strip(), field="outcome", label="处理结果")
    if not outcome:
        raise ActionError("请填写处理结果。", field="outcome")
    objection.state, objection.outcome = state, outcome[:4000]
    objection.save(update_fields=["state", "outcome"])
    write_event(application, EventKind.OBJECTION_CLOSED, actor=actor, note=f"异议{ObjectionState(state).label}：{outcome[:200]}",
                data={"objection": objection.pk, "state": state})
    return objection
