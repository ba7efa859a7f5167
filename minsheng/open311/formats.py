"""Rendering GeoReport v2 documents as JSON (arrays, Chinese unescaped) or XML (the spec's
element names), and its errors as a list of {code, description}."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

from minsheng.core.text import xml_safe

# Root and item element names of each XML document.
XML_NAMES = {
    "services": ("services", "service"),
    "service_requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
    "service_request_updates": ("service_request_updates", "request_update"),
}
# Inside a service definition: attributes/attribute, values/value.
XML_CHILDREN = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def _xml_value(parent: ElementTree.Element, key: str, value) -> None:
    element = ElementTree.SubElement(parent, key)
    if isinstance(value, list):
        child_name = XML_CHILDREN.get(key, "item")
        for item in value:
            if isinstance(item, dict):
                child = ElementTree.SubElement(element, child_name)
                for k, v in item.items():
                    _xml_value(child, k, v)
            else:
                ElementTree.SubElement(element, child_name).text = _text(item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(element, k, v)
    else:
        element.text = _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # Input never carries characters XML forbids (core/text.py); rows stored before that rule
    # must not break the feed for everyone either.
    return xml_safe(str(value))


def to_xml(document: str, items) -> bytes:
    """`items` a list of dicts for the list documents, or one dict rendered under `document`."""
    if document in XML_NAMES:
        root_name, item_name = XML_NAMES[document]
        root = ElementTree.Element(root_name)
        for item in items:
            node = ElementTree.SubElement(root, item_name)
            for key, value in item.items():
                _xml_value(node, key, value)
    else:
        root = ElementTree.Element(document)
        for key, value in items.items():
            _xml_value(root, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(root, encoding="utf-8")


def respond(document: str, payload, fmt: str, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(document, payload), status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def error(fmt: str, status: int, description: str, *, headers: dict | None = None) -> HttpResponse:
    response = respond("errors", [{"code": status, "description": description}], fmt, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def format_of(path: str) -> str:
    return "xml" if path.endswith(".xml") else "json"


def input_error(request, status: int, message: str, field: str | None) -> HttpResponse:
    """The input guard's refusal (core/middleware.py) as the spec's error array."""
    return error(format_of(request.path), status, message)
