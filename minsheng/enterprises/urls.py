from django.urls import path

from minsheng.enterprises.views import firm
from minsheng.enterprises.views import imports
from minsheng.enterprises.views import staff

app_name = "enterprises"
urlpatterns = [
    # Staff.
    path("staff/", staff.registry, name="registry"),
    path("staff/registry.xlsx", staff.registry_export, name="registry-export"),
    path("staff/<int:pk>/", staff.entity_page, name="entity"),
    path("staff/<int:pk>/do/<str:action>/", staff.action_page, name="action"),
    path("staff/<int:pk>/act/<str:action>/", staff.act, name="act"),
    path("staff/visit-files/<int:pk>/", staff.visit_file, name="visit-file"),
    path("staff/coverage/", staff.coverage_page, name="coverage"),
    path("staff/coverage.xlsx", staff.coverage_export, name="coverage-export"),
    path("staff/mine/", staff.my_firms, name="mine"),
    path("staff/handover/", staff.handover, name="handover"),
    path("staff/import/", imports.upload, name="import"),
    path("staff/import/template.xlsx", imports.template, name="import-template"),
    path("staff/import/<int:pk>/", imports.job_page, name="import-job"),
    path("staff/import/<int:pk>/progress/", imports.job_progress, name="import-progress"),
    path("staff/import/<int:pk>/report.xlsx", imports.job_report, name="import-report"),
    # The firms' own side: login by a code texted to the registered phone.
    path("firm/login/", firm.login, name="firm-login"),
    path("firm/", firm.home, name="firm-home"),
    path("firm/demands/new/", firm.new_demand, name="firm-demand-new"),
    path("firm/demands/<int:pk>/", firm.demand_page, name="firm-demand"),
    path("firm/demands/<int:pk>/rate/", firm.rate_demand, name="firm-demand-rate"),
    path("firm/logout/", firm.logout, name="firm-logout"),
]
