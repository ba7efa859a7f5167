from django.urls import path

from minsheng.evaluation.views import public, staff

app_name = "evaluation"
urlpatterns = [
    path("", public.index, name="index"),
    path("indicators/<int:pk>/", public.indicator, name="indicator"),
    path("walkthroughs/", public.walkthroughs, name="walkthroughs"),
    path("reforms/", public.reforms, name="reforms"),
    path("staff/walk/", staff.new_walkthrough, name="walk-new"),
    path("staff/services/", staff.services, name="services"),
    path("staff/services/<int:pk>/", staff.services, name="service"),
    path("staff/framework/", staff.import_framework, name="framework-import"),
    path("staff/reform-draft.xlsx", staff.draft_reform_list, name="reform-draft"),
]
