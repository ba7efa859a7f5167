from django.urls import path, re_path

from minsheng.open311 import views

FMT = "<str:fmt>"
urlpatterns = [
    path(f"discovery.{FMT}", views.discovery, name="open311-discovery"),
    path(f"services.{FMT}", views.services, name="open311-services"),
    path(f"services/<str:service_code>.{FMT}", views.service_definition, name="open311-service"),
    path(f"requests.{FMT}", views.requests_, name="open311-requests"),
    path(f"requests/<str:service_request_id>.{FMT}", views.request_detail, name="open311-request"),
    path(f"tokens/<str:token>.{FMT}", views.token, name="open311-token"),
    path(f"servicerequestupdates.{FMT}", views.updates, name="open311-updates"),
    # Anything else under /open311/v2/ is the spec's 404 error array too, not a page.
    re_path(r"^.*$", views.unknown_endpoint),
]
