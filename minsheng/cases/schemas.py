from datetime import date, datetime

from ninja import Field, Schema


class CaseSummary(Schema):
    id: int
    number: str = Field(description="编号，如 湖口-2026-000123")
    title: str
    kind: str
    category: str
    category_code: str
    state: str
    state_label: str
    region: str
    lead_department: str | None
    created_at: datetime
    due_at: datetime | None = Field(description="本阶段期限（该时刻为期限日24:00）")
    due_provisional: bool = Field(
        description="期限暂定：期限落在尚未公布节假日安排的年度，按法定节假日计算；公布后按正式日历调整（不会提前）"
    )
    deadline_colour: str = Field(description="green / yellow / red；无期限时为空")
    supervision_level: int


class CaseDetail(CaseSummary):
    wants: str
    channel: str
    requester_name: str = Field(description="已脱敏")
    requester_phone: str = Field(description="已脱敏")
    description: str = Field(description="诉求内容；不承办本件的用户看到的是脱敏后的文本")
    address: str
    lead_department_id: int | None
    co_departments: list[str]
    extension_requested_days: int | None
    result: str
    result_text: str
    public_summary: str = Field(description="对外公开的摘要（空：发布脱敏后的原文）")
    public_result: str = Field(description="对外公开的办理结果（空：发布脱敏后的办理情况）")
    rating: str
    available_actions: list[str] = Field(description="当前用户此刻可执行的操作")


class Event(Schema):
    id: int
    kind: str
    kind_label: str
    created_at: datetime
    actor: str | None
    department: str | None
    old_state: str
    new_state: str
    note: str
    public_note: str
    is_public: bool
    on_time: bool | None


class Tab(Schema):
    key: str
    label: str
    count: int


class Inbox(Schema):
    tabs: list[Tab]
    tab: str
    total: int
    cases: list[CaseSummary]


class CaseList(Schema):
    total: int
    cases: list[CaseSummary]


class AcceptIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str


class DispatchIn(Schema):
    department_id: int
    co_department_ids: list[int] = []
    note: str = ""


class ReturnIn(Schema):
    reason: str
    legal_basis: str


class NoteIn(Schema):
    text: str
    public_text: str = ""


class PublicTextIn(Schema):
    public_summary: str = ""
    public_result: str = ""


class ContactIn(Schema):
    method: str = Field(description="phone / visit / sms / meeting")
    summary: str


class ExtensionIn(Schema):
    days: int
    reason: str


class ExtensionDecisionIn(Schema):
    approve: bool
    new_due_date: date | None = None
    note: str = ""


class CloseIn(Schema):
    result: str = Field(description="solved 已解决 / explained 已解释说明 / unsolvable 无法解决")
    text: str
    basis: str = ""


class CallbackIn(Schema):
    rating: str = Field(description="satisfied / basically / unsatisfied")
    comment: str = ""


class SuperviseIn(Schema):
    requirement: str
    response_days: int = 3


class WithdrawIn(Schema):
    reason: str = ""
