from django.urls import path

from minsheng.cases.views import files, maps, public, scorecards, supervision, window, workbench

app_name = "cases"
urlpatterns = [
    # Residents and enterprises, no account: submit, then track with number and query code.
    path("submit/", public.submit, name="submit"),
    path("submitted/", public.submitted, name="submitted"),
    path("track/", public.track, name="track"),
    path("files/<uuid:key>/", files.attachment, name="attachment"),
    # Staff.
    path("staff/inbox/", workbench.inbox, name="inbox"),
    path("staff/search/", workbench.search, name="search"),
    path("staff/new/", window.register, name="register"),
    path("staff/new/<int:pk>/slip/", window.slip, name="slip"),
    path("staff/<int:pk>/", workbench.case_page, name="case"),
    path("staff/<int:pk>/act/<str:action>/", workbench.act, name="act"),
    path("staff/<int:pk>/personal/<str:field>/", workbench.reveal, name="reveal"),
    path("staff/<int:pk>/public-text/", workbench.edit_public_text, name="public-text"),
    path("staff/<int:pk>/files/<uuid:key>/public/", workbench.set_attachment_public, name="attachment-public"),
    path("staff/notices/<int:pk>/answer/", supervision.answer_notice, name="answer-notice"),
    path("staff/supervision/", supervision.board, name="supervision"),
    path("staff/map/", maps.case_map, name="map"),
    path("staff/scorecards/", scorecards.scorecard_page, name="scorecards"),
    path("staff/scorecards/export.xlsx", scorecards.scorecard_export, name="scorecards-export"),
    path("staff/scorecards/trends/", scorecards.trends_page, name="scorecard-trends"),
]
