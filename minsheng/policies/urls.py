from django.urls import path

from minsheng.policies.views import firm, public, staff

app_name = "policies"
urlpatterns = [
    # The public side: the library of the city and its counties.
    path("", public.index, name="index"),
    path("p/<str:number>/", public.policy_page, name="policy"),
    path("p/<str:number>/document/", public.document, name="document"),
    path("figures/", public.figures_page, name="figures"),
    # The firm, logged in on the enterprise side.
    path("p/<str:number>/apply/", firm.apply, name="apply"),
    path("firm/applications/<int:pk>/", firm.application_page, name="firm-application"),
    # Staff.
    path("staff/", staff.home, name="staff-home"),
    path("staff/new/", staff.new_policy, name="policy-new"),
    path("staff/p/<str:number>/", staff.policy_page, name="staff-policy"),
    path("staff/p/<str:number>/act/<str:action>/", staff.policy_act, name="policy-act"),
    path("staff/p/<str:number>/eligible.xlsx", staff.eligible_export, name="eligible-export"),
    path("staff/p/<str:number>/payouts.xlsx", staff.payouts_export, name="payouts-export"),
    path("staff/payouts/<int:pk>/act/<str:action>/", staff.payout_act, name="payout-act"),
    path("staff/applications/<int:pk>/", staff.application_page, name="staff-application"),
    path("staff/figures/import/", staff.figures_import, name="figures-import"),
    path("staff/figures/template.xlsx", staff.figures_template, name="figures-template"),
]
