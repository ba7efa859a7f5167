"""Attachments, served only here: to the staff who may see the case, or to anyone once the
handling department published the file. Stored names are random, links carry a random key,
and nothing under the upload folder is served as it lies."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from minsheng.cases import rules
from minsheng.cases.models import CaseAttachment
from minsheng.core.files import file_response


@require_GET
def attachment(request, key):
    found = CaseAttachment.objects.select_related("case").filter(key=key).first()
    if found is None or not (found.is_public or rules.can_view(request.user, found.case)):
        raise Http404("没有找到这个文件，或您无权查看。")
    response: FileResponse = file_response(found.file, found.original_name, found.content_type)
    if not found.is_public:
        response["Cache-Control"] = "private, no-store"
    return response
