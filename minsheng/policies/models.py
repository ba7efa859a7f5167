"""Enterprise policies (惠企政策, issue 13): the yearly figures the government holds of each firm,
by data source; policies with their conditions as data (conditions.py)."""

from django.db import models
from django.db.models import Q

from minsheng.enterprises.models import Entity


class FigureField(models.TextChoices):
    EMPLOYEES = "employees", "从业人员（人）"
    REVENUE = "revenue", "营业收入（万元）"
    TAX_PAID = "tax_paid", "纳税额（万元）"
    RD_SHARE = "rd_share", "研发投入占营业收入比例（%）"
    PATENTS = "patents", "有效发明专利（件）"


class DataSource(models.TextChoices):
    TAX = "tax", "税务部门"
    MARKET = "market", "市场监管部门"
    HUMAN_RESOURCES = "hr", "人力资源和社会保障部门"
    SCIENCE = "science", "科技部门"
    STATISTICS = "statistics", "统计部门"


class FirmFigure(models.Model):
    """One figure of one firm for one year, as its source reported it. A later import of the same
    year and field replaces it (the events keep what it was)."""

    entity = models.ForeignKey(Entity, verbose_name="市场主体", on_delete=models.CASCADE, related_name="figures",
                               db_index=False)  # the unique (entity, year, field) below serves it
    year = models.PositiveSmallIntegerField("年度")
    field = models.CharField("指标", max_length=12, choices=FigureField.choices)
    value = models.DecimalField("数值", max_digits=18, decimal_places=2)
    source = models.CharField("数据来源", max_length=12, choices=DataSource.choices)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "企业年度数据"
        verbose_name_plural = "企业年度数据"
        constraints = [
            models.UniqueConstraint(fields=["entity", "year", "field"], name="firm_figure_unique"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="firm_figure_year"),
        ]
        indexes = [
            # The matching engine: the firms whose figure of a field and year passes a bound
            # (the conditions' EXISTS probes come by entity through the unique index).
            models.Index(fields=["field", "year", "value"], name="firm_figure_by_value"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.year} {self.get_field_display()} {self.value}"
