from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from minsheng.api import api
from minsheng.views import care_mode, staff_home
from minsheng.org import views as org_views
from minsheng.pledges.views import board

admin.site.site_header = "民生平台管理"
admin.site.site_title = "民生平台管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", board, name="board"),
    path("pledges/", include("minsheng.pledges.urls")),
    path("cases/", include("minsheng.cases.urls")),
    path("elevators/", include("minsheng.elevators.urls")),
    path("enterprises/", include("minsheng.enterprises.urls")),
    path("inspections/", include("minsheng.inspections.urls")),
    path("policies/", include("minsheng.policies.urls")),
    path("evaluation/", include("minsheng.evaluation.urls")),
    path("stations/", include("minsheng.stations.urls")),
    path("open311/v2/", include("minsheng.open311.urls")),
    path("api/v1/", api.urls),
    path("staff/", staff_home, name="staff-home"),
    path("care/<str:switch>/", care_mode, name="care-mode"),
    path("accounts/login/", org_views.StaffLoginView.as_view(), name="login"),
    path("accounts/login/verify/", org_views.verify, name="two-factor-verify"),
    path("accounts/two-factor/", org_views.two_factor, name="two-factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # No route serves the upload folder: each app serves its files through a view that checks
    # access (cases/views/files.py, pledges' evidence view).
]
