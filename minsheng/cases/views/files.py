"""Attachments, served only here: to the staff handling the requester's matter (each opening
logged, as any view of personal data: an attachment is often an ID card or a contract), or to
anyone once the handling department published the file. Stored names are random, links carry
a random key, and nothing under the upload folder is served as it lies."""

from django.http import Http404
from django.views.decorators.http import require_GET

from minsheng.cases import rules
from minsheng.cases.actions import do_log_personal_data_view
from minsheng.cases.models import CaseAttachment
from minsheng.core.files import file_response
from minsheng.core.net import client_ip


@require_GET
def attachment(request, key):
    found = CaseAttachment.objects.select_related("case").filter(key=key).first()
    if found is None:
        raise Http404("没有找到这个文件，或您无权查看。")
    if not found.is_public:
        if not rules.can_see_personal_data(request.user, found.case):
            raise Http404("没有找到这个文件，或您无权查看。")
        do_log_personal_data_view(found.case, "attachment", actor=request.user, ip_address=client_ip(request))
    response = file_response(found.file, found.original_name, found.content_type)
    if not found.is_public:
        response["Cache-Control"] = "private, no-store"
    return response
