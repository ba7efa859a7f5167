from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from minsheng.api import api
from minsheng.core.views import staff_home
from minsheng.pledges.views import board



def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


admin.site.site_header = "民生平台管理"
admin.site.site_title = "民生平台管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", board, name="board"),
    path("pledges/", include("minsheng.pledges.urls")),
    path("cases/", include("minsheng.cases.urls")),
    path("open311/v2/", include("minsheng.open311.urls")),
    path("api/v1/", api.urls),
    path("staff/", staff_home, name="staff-home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Evidence is public by design (it backs the public timeline); a production site serves
    # MEDIA_ROOT from the web server or object storage instead.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media),
]
