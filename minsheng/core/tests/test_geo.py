"""GCJ-02, the datum of the phone map apps, converted to and from WGS-84 against published
reference points (高德's own conversion example; eviltransform's test points), and the
haversine distance."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng.core.geo import gcj02_to_wgs84, haversine_m, outside_china, wgs84_to_gcj02

# (WGS-84 lat, lng), (GCJ-02 lat, lng)
AMAP = [  # lbs.amap.com/api/webservice/guide/api/convert: the converter's published output
    ((39.990475, 116.481499), (39.991754014757, 116.487585177952)),
    ((39.990375, 116.481499), (39.991653917101, 116.487585177952)),
]
EVILTRANSFORM = [  # github.com/googollee/eviltransform, its tests (BSD-2-Clause)
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize("wgs, gcj", AMAP)
def test_the_conversion_matches_amaps_published_output_within_half_a_metre(wgs, gcj):
    assert haversine_m(*wgs84_to_gcj02(*wgs), *gcj) < 0.5
    assert haversine_m(*gcj02_to_wgs84(*gcj), *wgs) < 0.5


@pytest.mark.parametrize("wgs, gcj", EVILTRANSFORM)
def test_the_conversion_is_the_published_formula(wgs, gcj):
    lat, lng = wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-9) and lng == pytest.approx(gcj[1], abs=1e-9)


def test_in_jiujiang_the_offset_is_about_half_a_kilometre():
    station = (29.705, 116.0)  # 浔阳区
    assert 400 < haversine_m(*station, *wgs84_to_gcj02(*station)) < 700


@given(lat=st.floats(min_value=18.2, max_value=53.5), lng=st.floats(min_value=73.7, max_value=134.7))
def test_the_inverse_returns_to_the_point_within_a_centimetre(lat, lng):
    assert haversine_m(*gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng)), lat, lng) < 0.01


def test_outside_china_nothing_moves():
    assert outside_china(48.8566, 2.3522)
    assert wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522) == gcj02_to_wgs84(48.8566, 2.3522)


def test_haversine_distances():
    assert haversine_m(29.7, 116.0, 29.7, 116.0) == 0
    one_degree_of_latitude = haversine_m(29.0, 116.0, 30.0, 116.0)
    assert one_degree_of_latitude == pytest.approx(2 * math.pi * 6371008.8 / 360, rel=1e-9)
    assert haversine_m(0, 0, 0, 180) == pytest.approx(math.pi * 6371008.8, rel=1e-9)
