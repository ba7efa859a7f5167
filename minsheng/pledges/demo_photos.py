"""Site photos for the demo's progress updates, drawn in code: small real PNG images (no image
library, no files shipped), the same bytes on every run.

Each focus area has its scene (an old residential block getting a lift shaft, a school, a
service hall, a city station, fields and a village road, a river bank with new trees), drawn at
three stages of the work: hoarding on bare ground, under construction with scaffolding and a
crane, finished. A handful of variants per scene differ in colours, heights and positions.
"""

import random
import struct
import zlib
from functools import lru_cache

WIDTH, HEIGHT = 320, 240
VARIANTS = 3
THEMES = ("cityscape", "people", "education", "business", "rural", "ecology")
# The demo's focus areas (pledges.demo.FOCUS_AREAS) by the scene drawn for them.
AREA_THEMES = {
    "聚焦民生保障": "people",
    "聚焦教育医疗": "education",
    "聚焦城市建设": "cityscape",
    "聚焦营商环境": "business",
    "聚焦乡村振兴": "rural",
    "聚焦生态环境": "ecology",
}

SKY_TOP, SKY_LOW = (96, 150, 214), (196, 222, 242)
SCAFFOLD, HOARDING, CRANE = (230, 140, 40), (40, 110, 170), (240, 190, 30)
WINDOW, GLASS, WHITE = (70, 92, 120), (150, 200, 225), (245, 245, 240)


class Canvas:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.rows = [bytearray(3 * width) for _ in range(height)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, color) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        if x0 >= x1:
            return
        span = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            self.rows[y][3 * x0 : 3 * x1] = span

    def gradient(self, y0: int, y1: int, top, bottom) -> None:
        for y in range(y0, y1):
            t = (y - y0) / max(1, y1 - y0 - 1)
            color = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
            self.rect(0, y, self.width, y + 1, color)

    def disc(self, cx: int, cy: int, r: int, color) -> None:
        for y in range(cy - r, cy + r + 1):
            half = int((r * r - (y - cy) ** 2) ** 0.5)
            self.rect(cx - half, y, cx + half + 1, y + 1, color)

    def roof(self, x0: int, x1: int, base: int, height: int, color) -> None:
        """A gable seen from the front: a triangle from x0..x1 at `base` up to `height` above it."""
        middle = (x0 + x1) / 2
        for step in range(height):
            inset = (middle - x0) * step / height
            self.rect(round(x0 + inset), base - step - 1, round(x1 - inset), base - step, color)

    def line(self, x0: int, y0: int, x1: int, y1: int, color, width: int = 1) -> None:
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in range(steps + 1):
            x = round(x0 + (x1 - x0) * i / steps)
            y = round(y0 + (y1 - y0) * i / steps)
            self.rect(x, y, x + width, y + width, color)

    def windows(self, x0: int, y0: int, x1: int, y1: int, color, *, across: int, down: int) -> None:
        cell_w, cell_h = (x1 - x0) / across, (y1 - y0) / down
        for row in range(down):
            for column in range(across):
                left, top = x0 + column * cell_w, y0 + row * cell_h
                self.rect(round(left + cell_w * 0.25), round(top + cell_h * 0.25), round(left + cell_w * 0.75), round(top + cell_h * 0.7), color)

    def png(self) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _shade(color, amount: int):
    return tuple(max(0, min(255, c + amount)) for c in color)


def _crane(c: Canvas, x: int, top: int, ground: int, reach: int) -> None:
    c.rect(x, top, x + 4, ground, CRANE)
    for y in range(top + 6, ground, 10):
        c.line(x, y, x + 4, y + 8, _shade(CRANE, -60))
    c.rect(x - reach // 3, top, x + reach, top + 4, CRANE)
    c.line(x + reach - 6, top + 4, x + reach - 6, top + 40, (60, 60, 60))
    c.rect(x - reach // 3, top + 4, x - reach // 3 + 10, top + 12, (90, 90, 90))


def _hoarding(c: Canvas, x0: int, x1: int, ground: int) -> None:
    c.rect(x0, ground - 22, x1, ground, HOARDING)
    c.rect(x0, ground - 22, x1, ground - 19, WHITE)
    for x in range(x0 + 12, x1, 40):
        c.rect(x, ground - 15, x + 20, ground - 6, WHITE)


def _scaffold(c: Canvas, x0: int, y0: int, x1: int, ground: int) -> None:
    for x in range(x0, x1 + 1, 10):
        c.rect(x, y0, x + 2, ground, SCAFFOLD)
    for y in range(y0, ground, 14):
        c.rect(x0, y, x1 + 2, y + 2, SCAFFOLD)


def _ground(c: Canvas, ground: int, color) -> None:
    c.gradient(0, ground, SKY_TOP, SKY_LOW)
    c.rect(0, ground, WIDTH, HEIGHT, color)


def _cityscape(c: Canvas, rng: random.Random, stage: int) -> None:
    ground = 200
    _ground(c, ground, (150, 150, 145))
    wall = rng.choice([(214, 196, 160), (200, 190, 180), (222, 210, 186)])
    top = rng.randint(34, 54)
    c.rect(40, top, 230, ground, wall)
    c.rect(36, top - 6, 234, top, _shade(wall, -50))
    c.windows(44, top + 6, 226, ground - 6, WINDOW, across=6, down=7)
    shaft = (236, 272)
    if stage == 0:
        _hoarding(c, 226, 300, ground)
        c.rect(240, ground - 40, 262, ground - 22, (120, 100, 80))  # a pile of materials
    elif stage == 1:
        height = top + (ground - top) // 2
        c.rect(shaft[0], height, shaft[1], ground, (170, 175, 180))
        _scaffold(c, shaft[0] - 6, height - 20, shaft[1] + 6, ground)
        _crane(c, 290, 16, ground, 90)
    else:
        c.rect(shaft[0], top - 10, shaft[1], ground, GLASS)
        for y in range(top - 10, ground, 18):
            c.rect(shaft[0], y, shaft[1], y + 2, (110, 130, 150))
        c.rect(shaft[0] - 2, top - 14, shaft[1] + 2, top - 8, (110, 130, 150))
        c.rect(230, ground - 30, shaft[0], ground - 26, (110, 130, 150))  # the walkway to the stairwell


def _people(c: Canvas, rng: random.Random, stage: int) -> None:
    ground = 196
    _ground(c, ground, (170, 165, 150))
    for x in range(0, WIDTH, 64):  # the street's tower blocks behind
        c.rect(x + 4, rng.randint(40, 90), x + 56, ground, (190, 198, 206))
    x0, x1 = rng.randint(70, 100), rng.randint(220, 250)
    if stage == 0:
        _hoarding(c, x0 - 20, x1 + 20, ground)
        return
    c.rect(x0, 120, x1, ground, (236, 232, 222))
    c.rect(x0 - 6, 110, x1 + 6, 122, (183, 28, 28))  # the red sign band of a 城市驿站
    c.rect((x0 + x1) // 2 - 14, 150, (x0 + x1) // 2 + 14, ground, (120, 80, 50))
    c.rect(x0 + 10, 136, x0 + 50, 170, GLASS)
    c.rect(x1 - 50, 136, x1 - 10, 170, GLASS)
    if stage == 1:
        _scaffold(c, x0 - 4, 104, x1 + 4, ground)
    else:
        c.rect(x1 + 20, 178, x1 + 56, 184, (120, 80, 50))  # a bench
        c.disc(x0 - 24, 150, 18, (60, 140, 70))
        c.rect(x0 - 26, 160, x0 - 22, ground, (100, 70, 40))


def _education(c: Canvas, rng: random.Random, stage: int) -> None:
    ground = 180
    _ground(c, ground, (176, 80, 60))  # the running track
    c.rect(0, 205, WIDTH, HEIGHT, (80, 150, 80))
    c.rect(0, 196, WIDTH, 199, WHITE)
    top = rng.randint(50, 70)
    c.rect(30, top, 250, ground, (236, 226, 204))
    c.rect(30, top, 250, top + 8, (183, 28, 28))
    c.windows(34, top + 12, 246, ground - 4, WINDOW, across=8, down=4)
    c.rect(280, 40, 283, ground, (200, 200, 200))
    c.rect(283, 42, 310, 60, (222, 41, 16))  # the flag
    if stage == 0:
        _hoarding(c, 20, 260, ground)
    elif stage == 1:
        _scaffold(c, 140, top - 6, 250, ground)


def _business(c: Canvas, rng: random.Random, stage: int) -> None:
    ground = 190
    _ground(c, ground, (200, 200, 196))
    top = rng.randint(40, 60)
    c.rect(20, top, 300, ground, (225, 228, 232))
    c.rect(20, top, 300, top + 14, (21, 101, 192))
    c.rect(40, top + 30, 280, ground - 10, GLASS)
    for x in range(40, 281, 30):
        c.rect(x, top + 30, x + 2, ground - 10, (110, 130, 150))
    if stage >= 1:  # the counters inside, and people waiting at them
        c.rect(60, ground - 40, 260, ground - 28, (150, 110, 80))
        for x in range(80, 250, 42):
            c.disc(x, ground - 50, 6, (60, 60, 70))
    if stage == 0:
        _scaffold(c, 30, top + 20, 290, ground)


def _rural(c: Canvas, rng: random.Random, stage: int) -> None:
    horizon = 110
    c.gradient(0, horizon, SKY_TOP, SKY_LOW)
    c.roof(-40, 200, horizon, 40, (110, 140, 110))  # hills
    c.roof(120, 360, horizon, 30, (95, 130, 100))
    for y in range(horizon, HEIGHT, 12):
        shade = 12 if (y // 12) % 2 else 0
        c.rect(0, y, WIDTH, y + 12, _shade((120, 170, 70), shade))
    c.rect(200, 100, 260, 136, (235, 232, 224))  # a farmhouse
    c.roof(194, 266, 100, 18, (90, 90, 100))
    road = (150, 150, 150) if stage == 2 else (160, 130, 90)
    for y in range(horizon + 10, HEIGHT):
        half = 6 + (y - horizon) * 0.5
        centre = 110 + (y - horizon) * 0.2
        c.rect(round(centre - half), y, round(centre + half), y + 1, road)
    if stage == 2:
        for y in range(horizon + 20, HEIGHT, 16):
            centre = 110 + (y - horizon) * 0.2
            c.rect(round(centre - 1), y, round(centre + 2), y + 8, WHITE)
    elif stage == 1:
        c.rect(130, 170, 170, 190, (230, 170, 30))  # a road roller
        c.disc(140, 194, 8, (60, 60, 60))


def _ecology(c: Canvas, rng: random.Random, stage: int) -> None:
    _ground(c, 120, (110, 160, 90))
    c.rect(0, 170, WIDTH, HEIGHT, (70, 130, 180))  # the river
    for y in range(180, HEIGHT, 14):
        c.rect(rng.randint(0, 200), y, rng.randint(220, 320), y + 2, (120, 170, 210))
    c.rect(0, 160, WIDTH, 170, (190, 180, 150))  # the bank path
    c.roof(-20, 180, 120, 36, (120, 150, 130))
    count = (4, 9, 14)[stage]
    for index in range(count):
        x = 14 + index * (300 // count) + rng.randint(-4, 4)
        size = (6, 11, 15)[stage]
        c.rect(x - 2, 150 - size, x + 2, 160, (100, 70, 40))
        c.disc(x, 150 - size * 2, size, _shade((50, 130, 60), rng.randint(-15, 15)))


SCENES = {
    "cityscape": _cityscape,
    "people": _people,
    "education": _education,
    "business": _business,
    "rural": _rural,
    "ecology": _ecology,
}


@lru_cache(maxsize=None)
def site_photo(theme: str, stage: int, variant: int) -> bytes:
    """A PNG of the theme's site at a stage (0 before, 1 during, 2 finished)."""
    rng = random.Random(f"{theme}-{stage}-{variant}")
    canvas = Canvas(WIDTH, HEIGHT)
    SCENES[theme](canvas, rng, stage)
    return canvas.png()


def photo_for(area_name: str, percent: int | None, number: int) -> bytes:
    stage = 2 if (percent or 0) >= 100 else 1 if (percent or 0) >= 50 else 0
    return site_photo(AREA_THEMES.get(area_name, "cityscape"), stage, number % VARIANTS)
