"""Sending a stored upload back: the type it was checked to be, its original name, no sniffing,
inline only for images and PDFs (which browsers show without running anything)."""

from django.http import FileResponse, Http404

INLINE_TYPES = ("image/jpeg", "image/png", "application/pdf")


def file_response(stored, original_name: str, content_type: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件已不存在。") from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=content_type not in INLINE_TYPES, filename=original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Uploaded content must never run as a page of this site.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
