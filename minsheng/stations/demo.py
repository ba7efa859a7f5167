"""The city stations demo (issue 15), as the city's report tells it: central 九江 built city
stations (城市驿站) with toilets, a tea bar, reading and rest areas and a small store, where
sanitation workers and taxi drivers rest and heat their meals; on holidays staff and volunteers
stay on duty with water, a medicine kit, umbrellas, emergency charging, guides and free Wi-Fi.

- 22 stations in 浔阳区 and 濂溪区, run by the districts' 城管局, registered in June 2026 by the
  bureaus' heads (彭涛 pengtao of 浔阳区城管局, 胡锋 hufeng of 濂溪区城管局); 城市驿站·浔阳站 on
  花果园北路 with every amenity of the report and three volunteers; one suspended for repairs.
- Their hours (most open every day; some close on Sundays, two round the clock); 国庆 2026 duty
  (history) and 元旦 2027's plan with its roster (duty on 1 January at 浔阳站 from 08:00 to 20:00).
- The city's standard, 九江市城市驿站“七个一”建设服务标准, defined by the administrator; November's
  inspections: 浔阳站 with a problem (the water heater) fixed within its deadline, 白水湖站 with
  one still open and past its deadline, 南湖站 with one open within it.
- A resident's feedback about 甘棠湖站's toilet (a case sent to 浔阳区城管局, signed and closed by
  袁芳 yuanfang the next day).
- A gazetteer of places people type (花果园北路, 浔阳楼, 九江站…), for "the nearest station to …".

Everything goes through the actions under the clock of its day; the same every load."""

from datetime import date

from minsheng.cases.demo import anchor_now, at, send_pending_at
from minsheng.core import clock
from minsheng.org.models import Department, Region, User
from minsheng.stations import actions
from minsheng.stations.models import Station, StationStatus

EVERY_DAY = {day: "06:30-21:00" for day in range(7)}
WORKERS_DAY = {**{day: "06:00-20:00" for day in range(6)}, 6: "08:00-18:00"}
CLOSED_SUNDAY = {**{day: "07:30-19:30" for day in range(6)}, 6: "休息"}
ROUND_THE_CLOCK = {day: "全天" for day in range(7)}
DAYTIME = {day: "08:00-12:00，13:30-18:00" for day in range(7)}

ALL_OF_THE_REPORT = ["toilet", "accessible-toilet", "hot-water", "microwave", "tea", "rest", "reading", "store",
                     "medicine", "umbrella", "charging", "wifi", "red-reading", "air-conditioning", "tourist-guide"]
BASIC = ["toilet", "hot-water", "microwave", "rest", "charging", "medicine", "umbrella"]

# name, district, address, (lat, lng) WGS-84, amenities, hours, area m², opened, phone
STATIONS = [
    ("城市驿站·浔阳站", "浔阳区", "浔阳区花果园北路18号（花果园社区旁）", (29.71350, 115.98850), ALL_OF_THE_REPORT, EVERY_DAY, 120,
     date(2025, 9, 28), "0792-8226001"),
    ("城市驿站·甘棠湖站", "浔阳区", "浔阳区甘棠北路烟水亭对面", (29.70600, 115.98400),
     BASIC + ["tea", "reading", "wifi", "accessible-toilet", "tourist-guide"], EVERY_DAY, 85, date(2025, 10, 1), "0792-8226002"),
    ("城市驿站·浔阳楼站", "浔阳区", "浔阳区滨江路浔阳楼景区东侧", (29.73100, 115.99900),
     BASIC + ["tea", "wifi", "tourist-guide", "baby-care"], EVERY_DAY, 90, date(2025, 10, 1), "0792-8226003"),
    ("城市驿站·大中路站", "浔阳区", "浔阳区大中路步行街中段", (29.72700, 116.00100),
     BASIC + ["store", "wifi", "air-conditioning"], EVERY_DAY, 70, date(2025, 11, 8), "0792-8226004"),
    ("城市驿站·锁江楼站", "浔阳区", "浔阳区滨江东路锁江楼公园入口", (29.74400, 116.02700),
     BASIC + ["tea", "tourist-guide"], DAYTIME, 60, date(2026, 1, 18), "0792-8226005"),
    ("城市驿站·琵琶亭站", "浔阳区", "浔阳区滨江东路琵琶亭景区停车场旁", (29.74200, 116.04200),
     ["toilet", "hot-water", "rest", "charging", "tourist-guide"], DAYTIME, 45, date(2026, 3, 1), "0792-8226006"),
    ("城市驿站·龙开河站", "浔阳区", "浔阳区龙开河路与庐山北路交叉口", (29.72000, 115.97500),
     BASIC + ["tea", "reading", "red-reading"], WORKERS_DAY, 75, date(2025, 12, 20), "0792-8226007"),
    ("城市驿站·九江站", "浔阳区", "浔阳区九江火车站南广场出租车候客区", (29.65900, 115.97500),
     BASIC + ["store", "wifi", "tourist-guide", "baby-care"], ROUND_THE_CLOCK, 110, date(2025, 8, 16), "0792-8226008"),
    ("城市驿站·人民路站", "浔阳区", "浔阳区人民路与浔阳路交叉口", (29.72200, 116.00800),
     BASIC + ["reading", "wifi"], CLOSED_SUNDAY, 55, date(2026, 4, 12), "0792-8226009"),
    ("城市驿站·浔阳东路站", "浔阳区", "浔阳区浔阳东路环卫工人之家", (29.72500, 116.01500),
     BASIC + ["tea", "red-reading"], WORKERS_DAY, 65, date(2026, 2, 6), "0792-8226010"),
    ("城市驿站·庾亮站", "浔阳区", "浔阳区庾亮南路庾亮社区服务中心一楼", (29.71900, 115.99300),
     BASIC + ["reading", "baby-care"], CLOSED_SUNDAY, 50, date(2026, 5, 20), "0792-8226011"),
    ("城市驿站·滨兴站", "浔阳区", "浔阳区滨兴洲路滨兴社区", (29.73200, 116.02000),
     BASIC + ["tea"], WORKERS_DAY, 40, date(2026, 6, 1), "0792-8226012"),
    ("城市驿站·湓浦站", "浔阳区", "浔阳区湓浦路湓浦社区旁", (29.72300, 115.98500),
     BASIC, EVERY_DAY, 45, date(2026, 6, 1), "0792-8226013"),
    ("城市驿站·德化路站", "浔阳区", "浔阳区德化路与长虹大道交叉口", (29.71000, 115.99500),
     BASIC + ["store", "wifi"], EVERY_DAY, 60, date(2026, 3, 28), "0792-8226014"),
    ("城市驿站·白水湖站", "濂溪区", "濂溪区白水湖公园北门", (29.71500, 116.02000),
     BASIC + ["tea", "reading", "accessible-toilet"], EVERY_DAY, 80, date(2025, 10, 1), "0792-8236001"),
    ("城市驿站·南湖站", "濂溪区", "濂溪区南湖公园东门", (29.69600, 115.99300),
     BASIC + ["tea", "wifi", "baby-care"], EVERY_DAY, 70, date(2025, 12, 1), "0792-8236002"),
    ("城市驿站·八里湖站", "濂溪区", "濂溪区八里湖新区八里湖公园游客中心", (29.68000, 115.93000),
     BASIC + ["tea", "reading", "wifi", "tourist-guide", "accessible-toilet"], EVERY_DAY, 100, date(2025, 9, 1), "0792-8236003"),
    ("城市驿站·十里站", "濂溪区", "濂溪区十里大道十里社区", (29.68800, 116.02500),
     BASIC + ["red-reading"], WORKERS_DAY, 50, date(2026, 1, 10), "0792-8236004"),
    ("城市驿站·五里站", "濂溪区", "濂溪区五里街道九瑞大道旁", (29.69500, 116.05000),
     BASIC, CLOSED_SUNDAY, 40, date(2026, 4, 1), "0792-8236005"),
    ("城市驿站·长虹站", "濂溪区", "濂溪区长虹东路与前进东路交叉口", (29.69900, 116.04000),
     BASIC + ["store"], EVERY_DAY, 55, date(2026, 2, 14), "0792-8236006"),
    ("城市驿站·九江学院站", "濂溪区", "濂溪区前进东路九江学院南门", (29.68100, 116.01300),
     BASIC + ["reading", "wifi", "tea"], EVERY_DAY, 70, date(2026, 3, 6), "0792-8236007"),
    ("城市驿站·濂溪大道站", "濂溪区", "濂溪区濂溪大道与九龙街交叉口", (29.66200, 116.00500),
     BASIC + ["wifi"], ROUND_THE_CLOCK, 60, date(2026, 5, 1), "0792-8236008"),
]

# What people type to find the stations near them (WGS-84).
PLACES = [
    ("花果园北路", "浔阳区", (29.71330, 115.98790)), ("花果园社区", "浔阳区", (29.71270, 115.98700)),
    ("浔阳楼", "浔阳区", (29.73120, 115.99850)), ("甘棠湖", "浔阳区", (29.70500, 115.98600)),
    ("烟水亭", "浔阳区", (29.70650, 115.98500)), ("大中路步行街", "浔阳区", (29.72650, 116.00200)),
    ("锁江楼", "浔阳区", (29.74420, 116.02750)), ("琵琶亭", "浔阳区", (29.74220, 116.04250)),
    ("九江站", "浔阳区", (29.65950, 115.97600)), ("九江火车站", "浔阳区", (29.65950, 115.97600)),
    ("龙开河", "浔阳区", (29.72050, 115.97450)), ("浔阳区人民政府", "浔阳区", (29.72700, 115.99300)),
    ("白水湖公园", "濂溪区", (29.71450, 116.02100)), ("南湖公园", "濂溪区", (29.69550, 115.99400)),
    ("八里湖", "濂溪区", (29.67500, 115.93500)), ("九江学院", "濂溪区", (29.68050, 116.01400)),
    ("濂溪区人民政府", "濂溪区", (29.67450, 115.99150)), ("十里大道", "濂溪区", (29.68850, 116.02400)),
]

STANDARD = "九江市城市驿站“七个一”建设服务标准"
STANDARD_ITEMS = [
    "一间干净卫生、有专人保洁的厕所",
    "一台可供热水的饮水机",
    "一台可加热饭菜的微波炉",
    "一组供环卫工人、户外劳动者休息的桌椅",
    "一个药品在有效期内的医药箱",
    "一套应急充电设备",
    "一块公示开放时间、服务内容和监督电话的标识牌",
]
HOLIDAY_SERVICES = "饮用水、医药箱、爱心雨伞、应急充电、旅游指南、免费Wi-Fi"


def load_stations(regions: dict[str, Region]) -> dict[str, Station]:
    heads = {"浔阳区": User.objects.get(username="pengtao"), "濂溪区": User.objects.get(username="hufeng")}
    operators = {name: Department.objects.get(name=f"{name}城管局") for name in heads}
    admin = User.objects.get(username="admin")
    yuan = User.objects.get(username="yuanfang")
    for name, district, (lat, lng) in PLACES:
        with clock.fixed(at(date(2026, 6, 10), 9)):
            actions.do_register_place(name=name, region=regions[district], latitude=lat, longitude=lng, actor=None)
    stations = {}
    for position, (name, district, address, (lat, lng), amenities, weekly, area, opened, phone) in enumerate(STATIONS):
        with clock.fixed(at(date(2026, 6, 15), 9, position)):
            station = actions.do_register_station(
                name=name, region=regions[district], address=address, latitude=lat, longitude=lng,
                operator=operators[district], amenities=amenities, phone=phone, area_m2=area, opened_on=opened,
                description=_description(name, district), actor=heads[district])
            actions.do_set_hours(station, weekly=weekly, actor=heads[district])
        stations[name] = station
    xunyang = stations["城市驿站·浔阳站"]
    with clock.fixed(at(date(2026, 6, 16), 10)):
        for volunteer in (("刘春梅", "13907921856", "浔阳区花果园社区", "保洁、茶水"),
                          ("周建华", "13879218843", "九江学院青年志愿者协会", "阅读辅导、旅游咨询"),
                          ("黄秀英", "15979208862", "浔阳区甘棠街道退休党员服务队", "红色阅读、节假日值守")):
            actions.do_add_volunteer(xunyang, name=volunteer[0], phone=volunteer[1], organisation=volunteer[2],
                                     duties=volunteer[3], joined_on=date(2026, 6, 16), actor=yuan)
    with clock.fixed(at(date(2026, 11, 2), 15)):
        actions.do_set_station_status(stations["城市驿站·湓浦站"], status=StationStatus.SUSPENDED,
                                      note="屋面防水维修，预计12月15日恢复开放", actor=yuan)
    _holidays(stations, yuan, heads["濂溪区"])
    _inspections(stations, admin, yuan, heads["濂溪区"])
    _feedback(stations, yuan)
    send_pending_at(anchor_now())  # the feedback's texts went out when they were written
    return stations


def _description(name: str, district: str) -> str:
    return (f"{name}由{district}城市管理局建设运营，面向环卫工人、出租车司机、快递小哥等户外劳动者和市民游客免费开放，"
            "提供歇脚、饮水、热饭、如厕、充电等服务。")


def _holidays(stations, yuan, hu) -> None:
    """国庆 2026 (history) and 元旦 2027 planned a month ahead: 浔阳站 and the riverside stations
    on duty, two small ones closed."""
    national_day = [date(2026, 10, day) for day in range(1, 8)]
    new_year = [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    rosters = {
        "城市驿站·浔阳站": ("08:00-20:00", "王芳（站长）、志愿者黄秀英", "0792-8226001"),
        "城市驿站·甘棠湖站": ("08:00-21:00", "李强、志愿者周建华", "0792-8226002"),
        "城市驿站·浔阳楼站": ("08:00-21:00", "陈丽", "0792-8226003"),
        "城市驿站·大中路站": ("09:00-21:00", "张勇", "0792-8226004"),
        "城市驿站·九江站": ("全天", "九江站驿站值班组（三班）", "0792-8226008"),
        "城市驿站·八里湖站": ("08:00-20:00", "熊敏", "0792-8236003"),
        "城市驿站·白水湖站": ("08:00-20:00", "吴静", "0792-8236001"),
        "城市驿站·南湖站": ("08:00-18:00", "曹磊", "0792-8236002"),
    }
    closed = ["城市驿站·庾亮站", "城市驿站·五里站"]
    for days, planned_on in ((national_day, date(2026, 9, 24)), (new_year, date(2026, 11, 27))):
        for position, (name, (spans, staff, phone)) in enumerate(rosters.items()):
            station = stations[name]
            actor = yuan if station.region.name == "浔阳区" else hu
            with clock.fixed(at(planned_on, 10, position)):
                for day in days:
                    actions.do_plan_holiday(station, day=day, spans=spans, duty_staff=staff, duty_phone=phone,
                                            services=HOLIDAY_SERVICES, actor=actor)
        for name in closed:
            station = stations[name]
            actor = yuan if station.region.name == "浔阳区" else hu
            with clock.fixed(at(planned_on, 11)):
                for day in days:
                    actions.do_plan_holiday(station, day=day, spans="休息", actor=actor)


def _inspections(stations, admin, yuan, hu) -> None:
    with clock.fixed(at(date(2026, 6, 8), 9)):
        standard = actions.do_define_standard(name=STANDARD, issuer="九江市城市管理局", items=STANDARD_ITEMS, actor=admin)
    every = {position: True for position in range(1, len(STANDARD_ITEMS) + 1)}
    with clock.fixed(at(date(2026, 11, 10), 15)):
        inspection = actions.do_record_inspection(
            stations["城市驿站·浔阳站"], standard=standard, visited_on=date(2026, 11, 10), actor=yuan,
            results={**every, 2: False},
            problems=[{"item": 2, "description": "饮水机热水出水温度不足60℃，加热管老化", "deadline": date(2026, 11, 17)}],
            note="七项检查六项合格；保洁到位，志愿者在岗。")
    with clock.fixed(at(date(2026, 11, 13), 16)):
        actions.do_fix_problem(inspection.problems.get(), fixed_on=date(2026, 11, 13),
                               note="更换加热管，复测出水温度95℃", actor=yuan)
    with clock.fixed(at(date(2026, 11, 12), 10)):
        actions.do_record_inspection(
            stations["城市驿站·白水湖站"], standard=standard, visited_on=date(2026, 11, 12), actor=hu,
            results={**every, 5: False},
            problems=[{"item": 5, "description": "医药箱内碘伏、创可贴过期，未建立药品台账", "deadline": date(2026, 11, 20)}],
            note="其余各项合格。")
        actions.do_record_inspection(
            stations["城市驿站·南湖站"], standard=standard, visited_on=date(2026, 11, 12), actor=hu,
            results={**every, 7: False},
            problems=[{"item": 7, "description": "标识牌未公示监督电话，开放时间与实际不符", "deadline": date(2026, 12, 18)}])
    with clock.fixed(at(date(2026, 11, 16), 9)):
        actions.do_record_inspection(stations["城市驿站·甘棠湖站"], standard=standard, visited_on=date(2026, 11, 16),
                                     actor=yuan, results=every, note="七项全部合格。")


def _feedback(stations, yuan) -> None:
    from minsheng.cases.actions import do_close_case, do_sign_case
    from minsheng.cases.models import Result

    with clock.fixed(at(date(2026, 11, 18), 7, 40)):
        case, _code = actions.do_report_feedback(
            stations["城市驿站·甘棠湖站"], amenity="toilet", description="甘棠湖驿站男厕所的冲水阀坏了，一直漏水，早上来歇脚的环卫工人都反映了。",
            requester_name="邹国平", requester_phone="13767209135")
    with clock.fixed(at(date(2026, 11, 18), 9, 5)):
        do_sign_case(case, actor=yuan)
    with clock.fixed(at(date(2026, 11, 19), 11, 30)):
        do_close_case(case, result=Result.SOLVED, actor=yuan,
                      text="11月18日下午已更换男厕所冲水阀，次日回访确认使用正常。已电话告知反映人。")
