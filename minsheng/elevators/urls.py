from django.urls import path

from minsheng.elevators import views

app_name = "elevators"
urlpatterns = [
    # The public: the city's figures, a building's application, its public page.
    path("", views.funnel_page, name="funnel"),
    path("lookup/", views.lookup, name="lookup"),
    path("a/<str:number>/", views.public_application, name="public"),
    path("a/<str:number>/fault/", views.report_fault, name="fault"),
    # Staff.
    path("staff/", views.staff_list, name="list"),
    path("staff/new/", views.new_application, name="new"),
    path("staff/new/<int:entrance_pk>/", views.file_application, name="file"),
    path("staff/register/import/", views.import_register, name="import"),
    path("staff/register/template.xlsx", views.import_template, name="import-template"),
    path("staff/<int:pk>/", views.staff_application, name="application"),
    path("staff/<int:pk>/act/<str:action>/", views.act, name="act"),
    path("staff/<int:pk>/agreement.xlsx", views.agreement_sheet, name="agreement"),
]
