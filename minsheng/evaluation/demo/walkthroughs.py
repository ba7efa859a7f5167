"""局长走流程 in 武宁县 ("服务怎样我体验、发现问题我整改"), and the services the platform itself runs.

- 企业开办 of 县市场监管局: registered in August with 6 steps, 6 materials and a promise of 3
  working days; walked by its head 熊伟 (xiongwei) on 8 September as a firm would, five steps
  with their real minutes; three problems (the seal made at a separate shop at the firm's cost,
  the address proved twice, invoices and social insurance at separate windows), each a task of
  the county's rectification list; all fixed by November, and the service changed: 3 steps,
  4 materials, 1 working day, online.
- 不动产登记 (存量房转移登记) of 县自然资源局: walked by its head 卢志刚 (luzhigang) on 13
  October as a resident buying a flat; three problems (tax and registration at two windows,
  marriage and household papers the departments hold, three working days to wait for the
  certificate); two fixed, the third (same-day certificates) still under way.
- Services measured from the platform's own events: policy applications and 免申即享 payments
  of 武宁县工信局, 湖口县's 办不成事 window, the city's lift joint review."""

from datetime import date

from minsheng.cases.demo import at
from minsheng.core import clock
from minsheng.evaluation import actions
from minsheng.evaluation.models import ApplicantKind, Measure, ProblemKind, WalkThrough
from minsheng.org.models import Department, User
from minsheng.pledges.actions import do_post_progress

BUSINESS_STEPS = ["名称自主申报", "设立登记", "公章刻制", "发票申领和税务Ukey发放", "员工参保登记", "银行预约开户"]
BUSINESS_MATERIALS = ["公司登记（备案）申请书", "公司章程", "股东主体资格证明", "法定代表人、董事、监事和经理的任职文件及身份证明",
                      "住所使用证明（房屋产权证明和租赁合同）", "指定代表或者共同委托代理人授权委托书"]
PROPERTY_STEPS = ["综合窗口受理", "核税缴税", "审核登簿", "缮证发证"]
PROPERTY_MATERIALS = ["不动产登记申请书", "买卖双方身份证明", "不动产权证书", "存量房买卖合同", "完税凭证", "婚姻状况证明", "户口簿"]


def load_walkthroughs() -> dict[str, WalkThrough]:
    market = Department.objects.get(name="武宁县市场监管局")
    land = Department.objects.get(name="武宁县自然资源局")
    xiong, lu = User.objects.get(username="xiongwei"), User.objects.get(username="luzhigang")
    walks = {"business": _business(market, xiong), "property": _property(land, lu)}
    _measured()
    return walks


def _business(market, head) -> WalkThrough:
    with clock.fixed(at(date(2026, 8, 20), 10)):
        service = actions.do_register_service(market, name="企业开办", promised_days=3, statutory_days=15,
                                              steps=BUSINESS_STEPS, materials=BUSINESS_MATERIALS, actor=head)
    with clock.fixed(at(date(2026, 9, 8), 17)):
        walk = actions.do_record_walkthrough(
            service, walked_on=date(2026, 9, 8), applicant_kind=ApplicantKind.ENTERPRISE, actor=head,
            summary="以新办有限责任公司股东的身份，从名称申报到领取发票全程办理，共跑了政务服务中心和刻章店两个地方、四个窗口。",
            steps=[
                {"name": "取号、咨询", "minutes": 25, "note": "企业开办没有专窗，与其他事项一起排队"},
                {"name": "名称申报和设立登记", "minutes": 55,
                 "materials": ["公司登记（备案）申请书", "公司章程", "法定代表人身份证复印件", "房屋产权证明复印件", "房屋租赁合同"],
                 "note": "住所既要产权证明又要租赁合同，产权信息登记部门本可共享"},
                {"name": "公章刻制", "minutes": 90, "materials": ["营业执照复印件", "法定代表人身份证复印件"],
                 "note": "须另到刻章店办理，自费280元"},
                {"name": "发票申领和税务Ukey", "minutes": 40, "materials": ["营业执照复印件", "经办人身份证复印件"],
                 "note": "再次提交已在登记环节交过的证照复印件"},
                {"name": "员工参保登记", "minutes": 20, "note": "社保窗口单独排队"},
            ],
            problems=[
                {"kind": ProblemKind.STEPS, "deadline": date(2026, 10, 15),
                 "description": "公章须另到刻章店刻制并自费，应纳入企业开办一窗办理，新开办企业首套印章由政府买单、免费刻制。"},
                {"kind": ProblemKind.MATERIALS, "deadline": date(2026, 10, 31),
                 "description": "住所证明要求同时提交房屋产权证明和租赁合同，产权信息可通过不动产登记数据共享核验，不应再让企业提交。"},
                {"kind": ProblemKind.ONLINE, "deadline": date(2026, 11, 15),
                 "description": "发票申领、税务Ukey和员工参保仍须到不同窗口现场办理，应并入企业开办“一网通办”平台一次填报、一窗领取。"},
            ])
    steps, materials, online = walk.problems.order_by("pk")
    _progress(steps.item, head, [(date(2026, 9, 18), 50, "已与县公安局、县财政局商定首套印章政府买单，刻章企业进驻政务服务中心。"),
                                 (date(2026, 10, 9), 100, "刻章企业入驻企业开办专区，新开办企业首套印章免费刻制、当场领取。")])
    _progress(materials.item, head, [(date(2026, 10, 20), 100, "住所信息通过不动产登记数据共享核验，不再要求提交房屋产权证明。")])
    _progress(online.item, head, [(date(2026, 10, 23), 40, "企业开办“一网通办”平台已增加发票、税务Ukey和参保信息采集。"),
                                  (date(2026, 11, 6), 80, "县税务局、县人社局窗口并入企业开办专区，试运行一周。"),
                                  (date(2026, 11, 10), 100, "企业开办一表填报、一窗领取营业执照、印章、发票和税务Ukey，1个工作日办结。")])
    with clock.fixed(at(date(2026, 11, 10), 16, 30)):
        actions.do_update_service(
            service, promised_days=1, statutory_days=15, online=True, actor=head,
            steps=["“一网通办”平台一表填报", "设立登记、发票和参保同步审核", "一窗领取执照、印章、发票和税务Ukey"],
            materials=["公司登记（备案）申请书", "公司章程", "股东主体资格证明", "法定代表人、董事、监事和经理的任职文件及身份证明"],
            reason="局长走流程发现的问题整改完成：免费刻章并入专区、住所信息共享核验、发票和参保并入一网通办")
    return walk


def _property(land, head) -> WalkThrough:
    with clock.fixed(at(date(2026, 8, 24), 10)):
        service = actions.do_register_service(land, name="不动产登记（存量房转移登记）", promised_days=5,
                                              statutory_days=30, steps=PROPERTY_STEPS, materials=PROPERTY_MATERIALS,
                                              actor=head)
    with clock.fixed(at(date(2026, 10, 16), 17)):
        walk = actions.do_record_walkthrough(
            service, walked_on=date(2026, 10, 13), applicant_kind=ApplicantKind.RESIDENT, actor=head,
            summary="以购买二手房的居民身份办理转移登记，从取号到领证历时三个多工作日，税务和登记分两个窗口排队。",
            steps=[
                {"name": "取号、咨询", "minutes": 30},
                {"name": "核税缴税", "minutes": 75, "materials": ["存量房买卖合同", "买卖双方身份证明", "不动产权证书"],
                 "note": "税务窗口与登记窗口分设，须两次排队"},
                {"name": "登记受理", "minutes": 45,
                 "materials": ["不动产登记申请书", "完税凭证（纸质）", "婚姻状况证明", "户口簿", "买卖双方身份证明"],
                 "note": "婚姻状况证明、户口簿另需到民政、公安开具或复印"},
                {"name": "等待审核登簿", "minutes": 3 * 24 * 60, "note": "受理后第三个工作日电话通知领证"},
                {"name": "领取不动产权证书", "minutes": 15},
            ],
            problems=[
                {"kind": ProblemKind.STEPS, "deadline": date(2026, 11, 13),
                 "description": "核税和登记分两个窗口两次排队，应推行交易、纳税、登记“一窗受理、并行办理”。"},
                {"kind": ProblemKind.MATERIALS, "deadline": date(2026, 11, 30),
                 "description": "婚姻状况证明和户口簿可通过民政、公安数据共享核验，完税凭证可由税务推送，不应再让群众提交。"},
                {"kind": ProblemKind.TIME, "deadline": date(2026, 12, 31),
                 "description": "存量房转移登记审核登簿需等待三个工作日，应压缩至当日办结，推行“一小时领证”。"},
            ])
    window, papers, same_day = walk.problems.order_by("pk")
    _progress(window.item, head, [(date(2026, 10, 28), 60, "县税务局派员进驻不动产登记中心，设立综合受理窗口。"),
                                  (date(2026, 11, 9), 100, "交易、纳税、登记一窗受理、并行办理，群众只排一次队。")])
    _progress(papers.item, head, [(date(2026, 11, 4), 50, "已接入民政婚姻登记和公安户籍数据共享接口。"),
                                  (date(2026, 11, 18), 100, "婚姻状况和户籍信息共享核验，完税信息由税务系统推送，不再要求群众提交。")])
    _progress(same_day.item, head, [(date(2026, 11, 20), 40, "已梳理审核登簿流程，正在调整岗位设置，试行即审即办。")])
    return walk


def _progress(item, head, updates) -> None:
    for day, percent, text in updates:
        with clock.fixed(at(day, 16)):
            do_post_progress(item, happened_on=day, text=text, percent=percent, actor=head)


def _measured() -> None:
    """Services the platform runs: their real working days come from its own events."""
    industry = Department.objects.get(name="武宁县工信局")
    window = Department.objects.get(name="湖口县营商办")
    housing = Department.objects.get(name="市住建局")
    industry_head = User.objects.get(username="zc20")
    with clock.fixed(at(date(2026, 7, 1), 9)):
        actions.do_register_service(industry, name="惠企政策申报兑现", promised_days=20, online=True,
                                    steps=["网上申报", "部门审核", "公示", "拨付"],
                                    materials=["申报表", "政策要求的佐证材料"], measure=Measure.POLICY_APPLICATION,
                                    actor=industry_head)
        actions.do_register_service(industry, name="惠企政策免申即享兑现", promised_days=15, online=True,
                                    steps=["数据比对匹配", "审核确认", "公示", "拨付"], materials=[],
                                    measure=Measure.POLICY_AUTOMATIC, actor=industry_head)
        actions.do_register_service(window, name="“办不成事”反映办理", promised_days=10,
                                    steps=["窗口登记", "受理交办", "部门签收办理", "办结回访"],
                                    materials=["反映人有效身份证件"], measure=Measure.STUCK_MATTER,
                                    actor=User.objects.get(username="liuwei"))
        actions.do_register_service(housing, name="既有住宅加装电梯联合审查", promised_days=10, statutory_days=20,
                                    steps=["申请受理", "住建、自然资源、市场监管联合审查", "出具审查意见"],
                                    materials=["加装电梯申请书", "业主表决结果", "设计方案", "公示材料"],
                                    measure=Measure.ELEVATOR_JOINT_REVIEW, actor=User.objects.get(username="lihong"))
