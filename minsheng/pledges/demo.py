"""The demo's practical-matter lists: the figures of Jiujiang's report, reproduced exactly.

638 items at city and county level, 494 done; 34 at city level, 23 done. Items, departments
and progress are plausible, generated from a fixed seed so every `make demo` shows the same
board. All writes go through the pledge actions, like an import followed by months of updates.
"""

import random
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minsheng.core import clock
from minsheng.org.demo import COUNTIES, county_department_name
from minsheng.org.models import Department, Region
from minsheng.pledges import actions
from minsheng.pledges.actions import ItemDraft
from minsheng.pledges.demo_photos import photo_for
from minsheng.pledges.models import EventKind, FocusArea, Level, PledgeEvent

CITY_TOTAL, CITY_DONE = 34, 23
COUNTY_TOTAL, COUNTY_DONE = 604, 471

FOCUS_AREAS = [
    ("聚焦民生保障", "就业、养老、救助、便民服务"),
    ("聚焦教育医疗", "学位、校舍、健康、医保"),
    ("聚焦城市建设", "老旧小区、加装电梯、停车、市政设施"),
    ("聚焦营商环境", "政务服务、惠企政策、涉企检查、办不成事"),
    ("聚焦乡村振兴", "农村公路、高标准农田、人居环境"),
    ("聚焦生态环境", "长江岸线、水环境、造林绿化"),
]
PEOPLE, EDUCATION, CITYSCAPE, BUSINESS, RURAL, ECOLOGY = (name for name, _ in FOCUS_AREAS)

# (title, focus area, lead department, leader, done?)
CITY_ITEMS = [
    ("既有住宅加装电梯305部", CITYSCAPE, "市住建局", "张明（副市长）", False),
    ("改造城镇老旧小区99个", CITYSCAPE, "市住建局", "张明（副市长）", False),
    ("改造中心城区供水管网80公里", CITYSCAPE, "市住建局", "张明（副市长）", True),
    ("更新改造老化燃气管道120公里", CITYSCAPE, "市住建局", "张明（副市长）", False),
    ("新建城市驿站30座", PEOPLE, "市城管局", "刘建华（副市长）", True),
    ("新建改造城市公厕100座", CITYSCAPE, "市城管局", "刘建华（副市长）", True),
    ("中心城区新增停车泊位5000个", CITYSCAPE, "市城管局", "刘建华（副市长）", False),
    ("新增公办幼儿园学位3000个", EDUCATION, "市教育局", "王芳（副市长）", True),
    ("新建改扩建中小学校12所", EDUCATION, "市教育局", "王芳（副市长）", False),
    ("义务教育学校课后服务全覆盖", EDUCATION, "市教育局", "王芳（副市长）", True),
    ("为65岁以上老年人免费健康体检30万人次", EDUCATION, "市卫健委", "王芳（副市长）", True),
    ("二级以上公立医院推行“先诊疗后付费”", EDUCATION, "市卫健委", "王芳（副市长）", True),
    ("职工医保门诊共济保障全面落地", EDUCATION, "市医保局", "王芳（副市长）", True),
    ("新增城镇就业3.5万人", PEOPLE, "市人社局", "陈国庆（副市长）", True),
    ("建设社区居家养老服务中心50个", PEOPLE, "市民政局", "陈国庆（副市长）", False),
    ("城乡低保、特困供养标准提标", PEOPLE, "市民政局", "陈国庆（副市长）", True),
    ("残疾儿童康复救助1200人", PEOPLE, "市残联", "陈国庆（副市长）", True),
    ("建设“15分钟便民生活圈”20个", PEOPLE, "市商务局", "陈国庆（副市长）", False),
    ("政务服务事项网上可办率达到95%以上", BUSINESS, "市行政审批局", "张明（副市长）", True),
    ("市县两级设立“办不成事”反映窗口", BUSINESS, "市营商办", "张明（副市长）", True),
    ("惠企政策“查办送一体、市县一体”平台上线", BUSINESS, "市发改委", "张明（副市长）", True),
    ("规上企业“一对一”帮扶全覆盖", BUSINESS, "市工信局", "张明（副市长）", True),
    ("推行入企检查备案和“宁静生产日”制度", BUSINESS, "市市场监管局", "张明（副市长）", True),
    ("企业开办全程网办、1个工作日办结", BUSINESS, "市市场监管局", "张明（副市长）", True),
    ("不动产登记“一窗受理、一小时办结”", BUSINESS, "市自然资源局", "张明（副市长）", True),
    ("12345热线诉求按时办结率达到95%", BUSINESS, "市12345热线中心", "张明（副市长）", False),
    ("提质改造农村公路500公里", RURAL, "市交通运输局", "李卫东（副市长）", True),
    ("新开优化城市公交线路15条", CITYSCAPE, "市交通运输局", "李卫东（副市长）", True),
    ("建设高标准农田20万亩", RURAL, "市农业农村局", "李卫东（副市长）", False),
    ("农村生活垃圾收运处置体系全覆盖", RURAL, "市农业农村局", "李卫东（副市长）", True),
    ("长江岸线生态复绿2000亩", ECOLOGY, "市林业局", "李卫东（副市长）", True),
    ("消除中心城区黑臭水体", ECOLOGY, "市生态环境局", "李卫东（副市长）", False),
    ("新建城市绿道50公里", ECOLOGY, "市住建局", "张明（副市长）", True),
    ("新建5G基站1500个", CITYSCAPE, "市工信局", "张明（副市长）", False),
]
# The elevator item is the sum of three districts' work: sub-items weighted by their lifts.
ELEVATOR_SUB_ITEMS = [("濂溪区", 140), ("浔阳区", 95), ("柴桑区", 70)]
# City items past their deadline and not done, so the board shows what is late.
CITY_LATE = {"改造城镇老旧小区99个", "消除中心城区黑臭水体"}

# (title with {n}, numbers to choose from, focus area, department short name)
COUNTY_TEMPLATES = [
    ("既有住宅加装电梯{n}部", (12, 20, 26, 35), CITYSCAPE, "住建局"),
    ("改造城镇老旧小区{n}个", (6, 8, 12, 15), CITYSCAPE, "住建局"),
    ("新建社区居家养老服务中心{n}个", (3, 4, 5, 6), PEOPLE, "民政局"),
    ("为{n}户特殊困难老年人家庭实施适老化改造", (120, 150, 200), PEOPLE, "民政局"),
    ("新增城镇就业{n}人", (2000, 2500, 3200), PEOPLE, "人社局"),
    ("开展职业技能培训{n}人次", (1500, 2000, 3000), PEOPLE, "人社局"),
    ("建设城市驿站{n}座", (2, 3, 4), PEOPLE, "城管局"),
    ("实施农村供水保障工程，惠及{n}万人", (1, 2, 3), RURAL, "水利局"),
    ("新建改造农贸市场{n}个", (2, 3, 4), PEOPLE, "商务局"),
    ("新建改扩建幼儿园{n}所", (2, 3, 4), EDUCATION, "教体局"),
    ("实施中小学校舍维修改造{n}所", (8, 10, 15), EDUCATION, "教体局"),
    ("为{n}万名65岁以上老年人免费健康体检", (1, 2, 3), EDUCATION, "卫健委"),
    ("乡镇卫生院“优质服务基层行”达标{n}家", (3, 5, 6), EDUCATION, "卫健委"),
    ("医保报销“一站式”结算覆盖全部定点医院", (0,), EDUCATION, "医保局"),
    ("新建改造城市公厕{n}座", (5, 8, 10), CITYSCAPE, "城管局"),
    ("新增公共停车泊位{n}个", (300, 500, 800), CITYSCAPE, "城管局"),
    ("改造城区破损道路{n}条", (5, 8, 10), CITYSCAPE, "住建局"),
    ("新建污水管网{n}公里", (10, 15, 20), ECOLOGY, "住建局"),
    ("设立“办不成事”反映窗口，诉求按时办结率达到{n}%", (95, 98), BUSINESS, "营商办"),
    ("政务服务事项“一窗通办”率达到{n}%", (90, 95, 98), BUSINESS, "政务服务中心"),
    ("企业开办1个工作日内办结", (0,), BUSINESS, "市场监管局"),
    ("推行“首查不罚、首罚取下限”包容审慎监管", (0,), BUSINESS, "市场监管局"),
    ("规上企业“一对一”帮扶全覆盖，服务企业{n}家", (30, 45, 60), BUSINESS, "工信局"),
    ("惠企政策“免申即享”兑现资金{n}万元", (500, 800, 1200), BUSINESS, "财政局"),
    ("提质改造农村公路{n}公里", (30, 45, 60), RURAL, "交通运输局"),
    ("建设高标准农田{n}万亩", (1, 2, 3), RURAL, "农业农村局"),
    ("改造农村户厕{n}户", (800, 1200, 1500), RURAL, "农业农村局"),
    ("建设美丽宜居示范村{n}个", (5, 8, 10), RURAL, "农业农村局"),
    ("整治农村黑臭水体{n}处", (3, 5, 8), ECOLOGY, "生态环境分局"),
    ("新增造林绿化{n}亩", (2000, 3000, 5000), ECOLOGY, "林业局"),
    ("建设城市绿道{n}公里", (5, 8, 12), ECOLOGY, "住建局"),
    ("不动产登记“一窗受理”，{n}个工作日内办结", (1, 3), BUSINESS, "自然资源局"),
]
PLACES = ["城区", "乡镇", "工业园区", "新区"]
COUNTY_SIZES = [46, 49, 45, 47, 51, 45, 44, 46, 52, 44, 45, 43, 47]  # sums to 604
COUNTY_LEADERS = ["副县长", "副区长", "副市长"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国华明军伟强平刚红芳敏静丽勇峰磊涛斌海鹏辉"

PROGRESS_WORDS = [
    "完成调查摸底和实施方案，落实资金",
    "项目全面开工，完成年度任务的一半以上",
    "主体工作基本完成，组织自查",
    "全面完成年度任务，通过验收并向社会公示",
]


def _leader(rng: random.Random, county_name: str) -> str:
    post = "副区长" if county_name.endswith("区") else "副市长" if county_name.endswith("市") else "副县长"
    return f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN) if rng.random() < 0.5 else ''}（{post}）"


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """When something of `day` was recorded: that day at the given time, never later than now."""
    return min(timezone.make_aware(datetime.combine(day, time(hour, minute))), timezone.now())


def _where(title: str) -> str:
    """Where the work is done, as the lists say it: the lifts go into old communities first."""
    return "优先在城镇老旧小区实施，结合老旧小区改造同步推进，" if "加装电梯" in title else ""


def _schedule(today: date) -> tuple[date, date]:
    """The demo year's start, and the ordinary deadline for items still open."""
    start = today - timedelta(days=300)
    return start, today + timedelta(days=35)


def load_pledges(regions: dict[str, Region], today: date | None = None) -> None:
    today = today or timezone.localdate()
    rng = random.Random(2021)
    areas = {}
    for order, (name, description) in enumerate(FOCUS_AREAS, start=1):
        areas[name], _ = FocusArea.objects.update_or_create(name=name, defaults={"order": order, "description": description})
    start, open_deadline = _schedule(today)
    year = start.year
    city = regions["九江市"]
    departments = {d.name: d for d in Department.objects.all()}

    # Each item's fate, by list and number: done, late, open, not started, or a sub-item.
    fates: list[tuple[str, str]] = []
    city_drafts = []
    for number, (title, area, department, leader, done) in enumerate(CITY_ITEMS, start=1):
        late = title in CITY_LATE
        deadline = today - timedelta(days=rng.randint(20, 60)) if late else (
            today - timedelta(days=rng.randint(5, 120)) if done else open_deadline
        )
        draft = ItemDraft(
            number=str(number),
            title=title,
            focus_area=areas[area],
            level=Level.CITY,
            region=city,
            lead_department=departments[department],
            lead_leader=leader,
            start_date=start,
            deadline=deadline,
            description=f"{title}，{_where(title)}纳入{year}年市本级“我为群众办实事”项目清单，由{department}牵头组织实施。",
            target=title,
            milestones=[(start + (deadline - start) / 2, "完成过半"), (deadline, "全面完成")],
        )
        city_drafts.append(draft)
        fates.append((draft.number, "done" if done else "late" if late else "open"))
    for index, (county_name, lifts) in enumerate(ELEVATOR_SUB_ITEMS, start=1):
        draft = ItemDraft(
            number=f"1.{index}",
            parent_number="1",
            title=f"{county_name}既有住宅加装电梯{lifts}部",
            focus_area=areas[CITYSCAPE],
            level=Level.CITY,
            region=city,
            lead_department=departments[county_department_name(county_name, "住建局")],
            lead_leader="张明（副市长）",
            start_date=start,
            deadline=open_deadline,
            weight=lifts,
            location=regions[county_name],  # a city item built in the district: found under it too
            target=f"完成加装电梯{lifts}部",
            description=f"市本级加装电梯任务在{county_name}的部分，{_where('加装电梯')}由{county_name}住建局具体实施。",
        )
        city_drafts.append(draft)
        fates.append((draft.number, "sub"))
    # Lists are imported when the year's work starts, and progress recorded on the day it was
    # made, so each timeline reads in the order it happened.
    with clock.fixed(_moment(start, 9)):
        city_list = actions.do_import_pledge_list(
            title=f"{year}年九江市市本级“我为群众办实事”项目清单", year=year, region=city, drafts=city_drafts, actor=None
        )

    county_fates = ["done"] * COUNTY_DONE + ["late"] * 14 + ["not_started"] * 9
    county_fates += ["open"] * (COUNTY_TOTAL - len(county_fates))
    rng.shuffle(county_fates)
    fate_iter = iter(county_fates)
    _post_progress(city_list, fates, rng, today)
    for (_code, county_name, _short), size in zip(COUNTIES, COUNTY_SIZES, strict=True):
        county = regions[county_name]
        drafts = []
        fates = []
        for number in range(1, size + 1):
            template_index = (number - 1) % len(COUNTY_TEMPLATES)
            title, numbers, area, short = COUNTY_TEMPLATES[template_index]
            title = title.format(n=rng.choice(numbers))
            if number > len(COUNTY_TEMPLATES):
                title = f"{PLACES[(number // len(COUNTY_TEMPLATES)) % len(PLACES)]}{title}"
            fate = next(fate_iter)
            if fate == "late":
                deadline = today - timedelta(days=rng.randint(10, 90))
            elif fate == "done":
                deadline = today - timedelta(days=rng.randint(-30, 150))
            else:
                deadline = open_deadline
            department = departments[county_department_name(county_name, short)]
            draft = ItemDraft(
                number=str(number),
                title=title,
                focus_area=areas[area],
                level=Level.COUNTY,
                region=county,
                lead_department=department,
                lead_leader=_leader(rng, county_name),
                start_date=start,
                deadline=max(deadline, start + timedelta(days=60)),
                description=f"{county_name}{title}，{_where(title)}由{department.name}牵头实施。",
                target=title,
            )
            drafts.append(draft)
            fates.append((draft.number, fate))
        with clock.fixed(_moment(start, 9, 30)):
            county_list = actions.do_import_pledge_list(
                title=f"{year}年{county_name}“我为群众办实事”项目清单", year=year, region=county, drafts=drafts, actor=None
            )
        _post_progress(county_list, fates, rng, today)


def _post_progress(pledge_list, fates: list[tuple[str, str]], rng: random.Random, today: date) -> None:
    items = {item.number: item for item in pledge_list.items.select_related("focus_area")}
    parents = []
    for number, fate in fates:
        item = items[number]
        if fate == "not_started":
            continue
        if fate == "done":
            steps = [30, 60, 100] if rng.random() < 0.5 else [40, 100]
            finish = min(item.deadline, today - timedelta(days=rng.randint(1, 20)))
        elif fate == "sub":
            steps = [rng.choice([20, 35]), rng.choice([55, 70, 80])]
            finish = today - timedelta(days=rng.randint(3, 15))
        elif fate == "late":
            steps = [rng.choice([20, 40]), rng.choice([60, 75, 85])]
            finish = today - timedelta(days=rng.randint(1, 10))
        else:
            steps = [rng.choice([20, 30, 45]), rng.choice([55, 65, 80, 90])][: rng.choice([1, 2])]
            finish = today - timedelta(days=rng.randint(1, 25))
        if item.children.exists():
            with clock.fixed(_moment(finish, 17)):
                actions.do_post_progress(
                    item, happened_on=finish, text="各区加装电梯工作有序推进，进度按子项汇总。", percent=None,
                    files=[_photo(item, 100 if finish >= item.deadline else 60, 0)], actor=None,
                )
            parents.append(item)
            continue
        span = max((finish - item.start_date).days, len(steps))
        for position, percent in enumerate(steps, start=1):
            happened_on = min(item.start_date + timedelta(days=span * position // len(steps)), today)
            words = PROGRESS_WORDS[-1] if percent >= 100 else PROGRESS_WORDS[min(position - 1, 2)]
            with clock.fixed(_moment(happened_on, 16, (item.pk * 7 + position * 13) % 60)):
                actions.do_post_progress(
                    item, happened_on=happened_on, text=f"{words}（完成{percent}%）。", percent=percent,
                    files=[_photo(item, percent, position)], actor=None,
                )
                if item.level == Level.CITY and item.parent_id is None:
                    _tick_milestones(item, percent, happened_on)
    # An item with sub-items reaches its milestones through them: on the day of their last update.
    for parent in parents:
        parent.refresh_from_db()
        day = max(PledgeEvent.objects.filter(item__parent=parent, kind=EventKind.PROGRESS).values_list("happened_on", flat=True))
        with clock.fixed(_moment(day, 17, 30)):
            _tick_milestones(parent, parent.percent, day)


def _photo(item, percent: int, position: int) -> SimpleUploadedFile:
    """A site photo for the update, as departments attach them (drawn by demo_photos)."""
    content = photo_for(item.focus_area.name, percent, item.pk + position)
    return SimpleUploadedFile(f"现场照片{position or ''}.png", content, content_type="image/png")


def _tick_milestones(item, percent: int, day: date) -> None:
    """The city items' milestones (完成过半, 全面完成) are ticked off on the day they were reached."""
    for milestone in item.milestones.filter(completed_on__isnull=True):
        reached = percent >= 100 or (percent >= 50 and milestone.title == "完成过半")
        if reached:
            actions.do_complete_milestone(milestone, completed_on=day, actor=None)
