"""The platform's one map: `{% map_view "features-id" label="…" %}` draws the GeoJSON points the
page carries in `{{ features|json_script:"features-id" }}` (Leaflet, served from this site), over
the tile service of the settings or, without one, the county outlines shipped with the code.

Modes: "points" (each feature a dot, coloured by its `tone`, with a popup of its `title`, `url`
and `lines`), "grid" (the points counted in squares of `cell` degrees: where they cluster) and
"regions" (the counties shaded by the values in `{{ values|json_script:"values-id" }}`, a map of
GB/T 2260 code to {"value", "label"}). Every page that shows a map also lists what it shows, so
the map is never the only way to the information."""

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()

TONES = {"ok": "正常", "info": "进行中", "warn": "临近期限", "late": "逾期", "off": "关闭或暂停", "done": "完成"}


@register.inclusion_tag("_map.html")
def map_view(features_id: str = "", *, label: str, mode: str = "points", values_id: str = "", cell: str = "0.01",
             tall: bool = False, legend: str = "", locate: bool = False):
    return {
        "features_id": features_id,
        "values_id": values_id,
        "label": label,
        "mode": mode,
        "cell": cell,
        "tall": tall,
        "locate": locate,
        "legend": [(tone, word) for tone, word in (part.split(":", 1) for part in legend.split(",") if ":" in part)],
        "boundaries": static("minsheng/geo/jiujiang-counties.geojson"),
        "tiles": settings.MAP_TILE_URL,
        "labels": settings.MAP_TILE_LABELS_URL,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "icons": {"icon": static("minsheng/vendor/leaflet/images/marker-icon.png"),
                  "icon2x": static("minsheng/vendor/leaflet/images/marker-icon-2x.png"),
                  "shadow": static("minsheng/vendor/leaflet/images/marker-shadow.png")},
    }
