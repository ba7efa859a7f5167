from django.urls import path

from minsheng.pledges import views

app_name = "pledges"
urlpatterns = [
    path("items/", views.item_list, name="item-list"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("evidence/<uuid:key>/", views.evidence, name="evidence"),
    path("staff/items/<int:pk>/", views.staff_item, name="staff-item"),
    path("staff/lists/", views.staff_lists, name="staff-lists"),
    path("staff/lists/import/", views.import_list, name="import"),
    path("staff/lists/template.xlsx", views.import_template, name="import-template"),
    path("staff/lists/<int:pk>/export.xlsx", views.export_list, name="export"),
]
