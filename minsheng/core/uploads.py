"""Checks for uploaded files: the size limit and the type read from the file's first bytes,
not from its name, so a renamed script is refused."""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from minsheng.core.errors import ActionError


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]
    signature: bytes


EVIDENCE_KINDS = (
    FileKind("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    FileKind("image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
    FileKind("application/pdf", (".pdf",), b"%PDF-"),
    FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), b"PK\x03\x04"
    ),
    FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), b"PK\x03\x04"),
)
XLSX_KIND = EVIDENCE_KINDS[-1]
EVIDENCE_EXTENSIONS = "、".join(ext for kind in EVIDENCE_KINDS for ext in kind.extensions)


def check_upload(upload: UploadedFile, *, field: str, label: str, kinds=EVIDENCE_KINDS, max_bytes=None) -> FileKind:
    """Return the file's kind, or raise ActionError naming the field and the file."""
    max_bytes = max_bytes or settings.MAX_ATTACHMENT_BYTES
    name = upload.name or ""
    if upload.size > max_bytes:
        raise ActionError(
            f"{label}“{name}”大小为{upload.size / 1048576:.1f} MB，超过{max_bytes // 1048576} MB的上限。", field=field
        )
    if upload.size == 0:
        raise ActionError(f"{label}“{name}”是空文件。", field=field)
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in kinds:
        if extension in kind.extensions and head.startswith(kind.signature):
            return kind
    allowed = "、".join(ext for kind in kinds for ext in kind.extensions)
    raise ActionError(f"{label}“{name}”的类型不受支持，只接受{allowed}文件。", field=field)
