"""What every GeoReport v2 test uses: the spec's schemas, the clock, requests as a client sends them."""

import json
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from jsonschema import Draft7Validator
from referencing import Registry, Resource

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
# The JSON Schemas of GeoReport v2 responses (open311/schema-validation): the shared copy beside
# the project when there is one, else the copy kept with these tests.
SHARED_SCHEMAS = Path(__file__).resolve().parents[4] / "shared" / "open311" / "schema"
SCHEMAS = SHARED_SCHEMAS if SHARED_SCHEMAS.is_dir() else Path(__file__).resolve().parent / "schema"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        resources.append((path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=_draft7())))
    return Registry().with_resources(resources)


def _draft7():
    from referencing.jsonschema import DRAFT7

    return DRAFT7


def validate(document: str, payload) -> None:
    schema = json.loads((SCHEMAS / f"{document}.json").read_text())
    errors = list(Draft7Validator(schema, registry=_registry()).iter_errors(payload))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def get(client, path, **params):
    params.setdefault("jurisdiction_id", "360429")
    return client.get(f"/open311/v2/{path}", params)


def post(client, key, fmt="json", **fields):
    data = {
        "api_key": key,
        "jurisdiction_id": "360429",
        "service_code": "elevator-retrofit",
        "lat": "29.7312",
        "long": "116.2194",
        "description": "5栋2单元加装电梯审批卡住两个月",
        "first_name": "秀英",
        "last_name": "赵",
        "phone": "13812341234",
        "email": "zhao@example.com",
        "account_id": "hotline-778",
        "attribute[building]": "5栋2单元",
        "attribute[problems][]": ["approval", "funding"],
    }
    headers = {name: fields.pop(name) for name in list(fields) if name.startswith("HTTP_")}
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data, **headers)


def xml(response) -> ElementTree.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


