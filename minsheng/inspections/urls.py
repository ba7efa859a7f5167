from django.urls import path

from minsheng.inspections.views import draws, firm, public, staff

app_name = "inspections"
urlpatterns = [
    # The public side.
    path("", public.index, name="index"),
    path("check/", public.check, name="check"),
    path("check/<str:number>/<str:code>/", public.check_direct, name="check-direct"),
    path("draws/", public.draws, name="draws"),
    path("draws/<str:number>/", public.draw_page, name="draw"),
    path("draws/<str:number>/verify/", public.draw_verify, name="draw-verify"),
    path("draws/<str:number>/<str:what>.txt", public.draw_file, name="draw-file"),
    path("results/", public.results, name="results"),
    path("lists/", public.lists, name="lists"),
    # The firm, logged in on the enterprise side.
    path("firm/<int:pk>/rate/", firm.rate, name="firm-rate"),
    # Staff.
    path("staff/", staff.home, name="staff-home"),
    path("staff/new/", staff.new_filing, name="filing-new"),
    path("staff/figures/", staff.figures_page, name="figures"),
    path("staff/targets/", staff.targets, name="targets"),
    path("staff/draws/", draws.draw_list, name="staff-draws"),
    path("staff/draws/new/", draws.plan, name="draw-plan"),
    path("staff/draws/<str:number>/", draws.draw_page, name="staff-draw"),
    path("staff/draws/<str:number>/act/<str:action>/", draws.draw_act, name="draw-act"),
    path("staff/<int:pk>/", staff.filing_page, name="filing"),
    path("staff/<int:pk>/act/<str:action>/", staff.act, name="act"),
]
