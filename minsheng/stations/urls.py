from django.urls import path

from minsheng.stations.views import public, staff

app_name = "stations"
urlpatterns = [
    # The public side, on a phone.
    path("", public.index, name="index"),
    path("<int:pk>/", public.station_page, name="station"),
    path("<int:pk>/feedback/", public.feedback, name="feedback"),
    path("<int:pk>/photos/<int:photo_pk>/", public.photo, name="photo"),
    # The operator units.
    path("staff/", staff.home, name="staff-home"),
    path("staff/new/", staff.new_station, name="station-new"),
    path("staff/settings/", staff.settings_page, name="settings"),
    path("staff/<int:pk>/", staff.station_page, name="staff-station"),
    path("staff/<int:pk>/act/<str:what>/", staff.station_act, name="station-act"),
    path("staff/<int:pk>/inspect/", staff.inspect, name="inspect"),
    path("staff/<int:pk>/problems/<int:problem_pk>/fix/", staff.fix, name="fix"),
]
