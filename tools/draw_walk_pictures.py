"""Draw the pictures of the sample walk (`conversations/pictures/*.png`) with Pillow.

Why drawn here: the cards need pictures the project may ship and change freely, with no text in them (a word in
a picture cannot be translated), small enough for a prepaid data plan. Flat shapes in a few colours keep each
file far under 60 KB. Run it again after a change; the output is deterministic.

    .venv/bin/python tools/draw_walk_pictures.py [OUTPUT_DIR]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 800, 560
SCALE = 2  # drawn at twice the size and scaled down: smooth edges without many colours

SKY = (190, 225, 245)
SKY_LOW = (214, 236, 248)
CLOUD = (250, 252, 255)
GRASS = (128, 190, 110)
GRASS_DARK = (96, 160, 86)
STREET = (200, 196, 188)
PAVEMENT = (222, 216, 204)
BRICK = (176, 92, 70)
BRICK_DARK = (140, 70, 56)
STONE = (226, 214, 186)
STONE_DARK = (190, 176, 146)
ROOF = (70, 80, 96)
ROOF_RED = (160, 64, 52)
WINDOW = (92, 132, 170)
WINDOW_LIGHT = (150, 190, 220)
DOOR = (96, 64, 44)
GOLD = (226, 180, 60)
TRUNK = (110, 80, 56)
LEAF = (70, 140, 80)
LEAF_LIGHT = (110, 170, 90)
WATER = (110, 170, 210)
SKIN = ((236, 196, 160), (198, 140, 100), (140, 96, 66), (96, 66, 46))
CLOTHES = ((210, 80, 80), (60, 110, 170), (230, 170, 60), (90, 150, 110), (150, 90, 160), (60, 60, 70))

Draw = ImageDraw.ImageDraw


def s(*values: float) -> list[float]:
    return [value * SCALE for value in values]


def sky(draw: Draw, horizon: int = 380) -> None:
    draw.rectangle(s(0, 0, WIDTH, horizon), fill=SKY)
    draw.rectangle(s(0, horizon - 90, WIDTH, horizon), fill=SKY_LOW)
    for x, y, w in ((90, 70, 120), (520, 50, 150), (690, 110, 90)):
        draw.ellipse(s(x, y, x + w, y + w * 0.35), fill=CLOUD)
        draw.ellipse(s(x + w * 0.25, y - w * 0.15, x + w * 0.75, y + w * 0.3), fill=CLOUD)


def ground(draw: Draw, top: int, colour: tuple[int, int, int] = PAVEMENT) -> None:
    draw.rectangle(s(0, top, WIDTH, HEIGHT), fill=colour)


def person(draw: Draw, x: float, y: float, height: float, number: int) -> None:
    """A simple figure standing with its feet at (x, y)."""
    skin = SKIN[number % len(SKIN)]
    clothes = CLOTHES[number % len(CLOTHES)]
    head = height * 0.16
    body_top = y - height + head * 2
    draw.ellipse(s(x - head, y - height, x + head, y - height + head * 2), fill=skin)
    draw.rounded_rectangle(
        s(x - head * 1.25, body_top, x + head * 1.25, y - height * 0.38), radius=head * 0.6 * SCALE, fill=clothes
    )
    leg = head * 0.45
    draw.rectangle(s(x - head * 0.9, y - height * 0.4, x - head * 0.9 + leg * 1.6, y), fill=(60, 60, 70))
    draw.rectangle(s(x + head * 0.9 - leg * 1.6, y - height * 0.4, x + head * 0.9, y), fill=(60, 60, 70))


def tree(draw: Draw, x: float, y: float, size: float, light: bool = False) -> None:
    draw.rectangle(s(x - size * 0.08, y - size * 0.7, x + size * 0.08, y), fill=TRUNK)
    colour = LEAF_LIGHT if light else LEAF
    draw.ellipse(s(x - size * 0.45, y - size * 1.35, x + size * 0.45, y - size * 0.55), fill=colour)
    draw.ellipse(s(x - size * 0.3, y - size * 1.55, x + size * 0.3, y - size * 1.0), fill=colour)


def windows(
    draw: Draw, left: float, top: float, columns: int, rows: int, width: float, height: float, gap: float
) -> None:
    for row in range(rows):
        for column in range(columns):
            x = left + column * (width + gap)
            y = top + row * (height + gap * 1.2)
            draw.rectangle(s(x, y, x + width, y + height), fill=WINDOW)
            draw.rectangle(s(x + width * 0.12, y + height * 0.1, x + width * 0.45, y + height * 0.5), fill=WINDOW_LIGHT)


def town_hall(draw: Draw) -> None:
    """A Flemish town hall with a belfry: stone, pointed windows, a golden top."""
    sky(draw)
    ground(draw, 380)
    draw.rectangle(s(0, 380, WIDTH, 400), fill=STONE_DARK)
    draw.rectangle(s(120, 200, 680, 400), fill=STONE)
    draw.polygon(s(120, 200, 680, 200, 640, 150, 160, 150), fill=ROOF)
    for x in (160, 600):  # dormers on the roof
        draw.rectangle(s(x, 160, x + 40, 200), fill=STONE)
        draw.polygon(s(x, 160, x + 20, 140, x + 40, 160), fill=ROOF)
        draw.rectangle(s(x + 12, 170, x + 28, 195), fill=WINDOW)
    for x in range(150, 660, 60):
        draw.rectangle(s(x, 240, x + 28, 300), fill=WINDOW)
        draw.polygon(s(x, 240, x + 14, 222, x + 28, 240), fill=WINDOW)
        draw.rectangle(s(x, 320, x + 28, 370), fill=WINDOW)
    draw.rectangle(s(340, 70, 460, 400), fill=STONE_DARK)  # the belfry
    draw.rectangle(s(352, 84, 448, 400), fill=STONE)
    draw.ellipse(s(370, 100, 430, 160), fill=(250, 248, 240), outline=DOOR, width=4 * SCALE)
    draw.line(s(400, 130, 400, 108), fill=DOOR, width=3 * SCALE)
    draw.line(s(400, 130, 418, 136), fill=DOOR, width=3 * SCALE)
    draw.polygon(s(334, 72, 466, 72, 400, 14), fill=ROOF)
    draw.polygon(s(393, 20, 407, 20, 400, 0), fill=GOLD)
    draw.rectangle(s(370, 320, 430, 400), fill=DOOR)
    draw.pieslice(s(370, 290, 430, 350), 180, 360, fill=DOOR)
    for index, x in enumerate((90, 230, 560, 700)):
        person(draw, x, 470 + (index % 2) * 30, 90, index)


def library(draw: Draw) -> None:
    """A library: a modern building with large windows, shelves of books inside, a bicycle rack outside."""
    sky(draw)
    ground(draw, 400)
    draw.rectangle(s(90, 150, 710, 400), fill=(236, 232, 224))
    draw.rectangle(s(90, 130, 710, 160), fill=(90, 96, 110))
    for column in range(4):
        left = 120 + column * 150
        draw.rectangle(s(left, 190, left + 120, 380), fill=WINDOW)
        for shelf in range(4):  # books on shelves seen through the glass
            y = 205 + shelf * 44
            draw.rectangle(s(left + 6, y + 34, left + 114, y + 38), fill=(80, 70, 60))
            x = left + 10
            book = 0
            while x < left + 108:
                width = 6 + (book * 7 + column * 3 + shelf) % 7
                colour = CLOTHES[(book + shelf + column) % len(CLOTHES)]
                top = y + 6 + (book % 3) * 3
                draw.rectangle(s(x, top, x + width, y + 34), fill=colour)
                x += width + 2
                book += 1
    draw.rectangle(s(370, 300, 430, 400), fill=(60, 70, 80))
    for x in range(520, 700, 40):  # bicycle rack with bicycles
        draw.ellipse(s(x, 440, x + 30, 470), outline=(50, 50, 60), width=4 * SCALE)
        draw.ellipse(s(x + 36, 440, x + 66, 470), outline=(50, 50, 60), width=4 * SCALE)
        draw.line(s(x + 15, 455, x + 33, 432, x + 51, 455), fill=CLOTHES[x % 6], width=4 * SCALE)
    person(draw, 200, 500, 100, 2)
    person(draw, 250, 505, 70, 4)


def station(draw: Draw) -> None:
    """A railway station: a platform with a canopy, a train arriving, people waiting."""
    sky(draw, 300)
    draw.rectangle(s(0, 300, WIDTH, 330), fill=(150, 150, 150))
    draw.rectangle(s(0, 330, WIDTH, 420), fill=(120, 118, 116))
    for x in range(0, WIDTH, 30):
        draw.rectangle(s(x, 395, x + 18, 402), fill=(90, 80, 70))
    draw.rectangle(s(0, 385, WIDTH, 389), fill=(70, 70, 76))
    draw.rectangle(s(0, 405, WIDTH, 409), fill=(70, 70, 76))
    draw.rounded_rectangle(s(240, 250, 900, 392), radius=30 * SCALE, fill=(244, 204, 60))  # the train
    draw.rectangle(s(240, 340, 900, 356), fill=(60, 90, 150))
    for x in range(290, 800, 90):
        draw.rounded_rectangle(s(x, 270, x + 60, 320), radius=8 * SCALE, fill=WINDOW)
    draw.rounded_rectangle(s(250, 270, 282, 330), radius=6 * SCALE, fill=WINDOW)
    draw.rectangle(s(0, 420, WIDTH, HEIGHT), fill=PAVEMENT)
    draw.rectangle(s(0, 420, WIDTH, 428), fill=(240, 240, 240))
    draw.polygon(s(0, 170, WIDTH, 150, WIDTH, 180, 0, 200), fill=(80, 90, 100))  # the canopy
    for x in (120, 400, 680):
        draw.rectangle(s(x, 185, x + 10, 430), fill=(80, 90, 100))
    draw.ellipse(s(560, 200, 610, 250), fill=(250, 248, 240), outline=(60, 60, 60), width=4 * SCALE)
    draw.line(s(585, 225, 585, 208), fill=(60, 60, 60), width=3 * SCALE)
    draw.line(s(585, 225, 598, 230), fill=(60, 60, 60), width=3 * SCALE)
    for index, x in enumerate((70, 180, 230, 470, 530)):
        person(draw, x, 520 + (index % 2) * 20, 110, index + 1)
    draw.rounded_rectangle(s(250, 470, 290, 520), radius=6 * SCALE, fill=(60, 110, 170))  # a suitcase


def market(draw: Draw) -> None:
    """A weekly market on a square: stalls with striped awnings, fruit and vegetables, people shopping."""
    sky(draw, 260)
    for x, height, colour in (
        (0, 150, BRICK),
        (130, 190, STONE),
        (270, 160, BRICK_DARK),
        (420, 200, STONE),
        (570, 170, BRICK),
        (700, 150, STONE_DARK),
    ):
        draw.rectangle(s(x, 260 - height + 40, x + 130, 300), fill=colour)
        draw.polygon(s(x, 260 - height + 40, x + 65, 260 - height, x + 130, 260 - height + 40), fill=ROOF_RED)
        windows(draw, x + 20, 260 - height + 60, 3, 2, 20, 28, 16)
    ground(draw, 300, (214, 206, 192))
    stalls = ((40, (220, 80, 70)), (300, (60, 130, 190)), (560, (90, 160, 100)))
    for left, colour in stalls:
        draw.rectangle(s(left, 330, left + 8, 470), fill=(90, 80, 70))
        draw.rectangle(s(left + 212, 330, left + 220, 470), fill=(90, 80, 70))
        for stripe in range(6):  # the striped awning
            x = left - 10 + stripe * 40
            draw.polygon(
                s(x, 310, x + 40, 310, x + 40, 350, x, 350), fill=colour if stripe % 2 == 0 else (250, 250, 245)
            )
        draw.rectangle(s(left, 420, left + 220, 440), fill=(150, 110, 70))
        produce = ((230, 60, 50), (250, 170, 40), (110, 180, 60), (150, 70, 140))
        for crate in range(4):
            x = left + 10 + crate * 52
            draw.rectangle(s(x, 400, x + 46, 422), fill=(190, 150, 100))
            for fruit in range(4):
                draw.ellipse(s(x + 3 + fruit * 10, 388, x + 15 + fruit * 10, 402), fill=produce[(crate + left) % 4])
    for index, x in enumerate((160, 260, 430, 520, 700)):
        person(draw, x, 530, 105 - (index % 3) * 12, index + 2)


def park(draw: Draw) -> None:
    """A city park: trees, a pond with ducks, a bench, a playground slide, people walking."""
    sky(draw, 250)
    for index, x in enumerate(range(-20, 820, 70)):
        tree(draw, x, 270, 90 + (index * 17) % 40, light=index % 2 == 0)
    ground(draw, 260, GRASS)
    draw.ellipse(s(60, 330, 420, 450), fill=WATER)
    draw.ellipse(s(100, 345, 380, 420), fill=(140, 190, 225))
    for x, y in ((180, 380), (260, 395)):
        draw.ellipse(s(x, y, x + 36, y + 18), fill=(250, 250, 250))
        draw.ellipse(s(x + 24, y - 12, x + 40, y + 4), fill=(60, 120, 80))
        draw.polygon(s(x + 40, y - 6, x + 48, y - 3, x + 40, y), fill=GOLD)
    draw.polygon(s(430, 560, 520, 260, 560, 260, 640, 560), fill=(226, 210, 170))  # the path
    draw.rectangle(s(600, 360, 720, 372), fill=(140, 100, 70))  # the bench
    draw.rectangle(s(600, 340, 720, 350), fill=(140, 100, 70))
    draw.rectangle(s(608, 372, 616, 400), fill=(70, 70, 70))
    draw.rectangle(s(704, 372, 712, 400), fill=(70, 70, 70))
    draw.line(s(110, 520, 190, 460), fill=(220, 80, 70), width=10 * SCALE)  # a slide
    draw.rectangle(s(186, 440, 196, 530), fill=(80, 80, 90))
    draw.rectangle(s(220, 440, 230, 530), fill=(80, 80, 90))
    for index, (x, y, height) in enumerate(((500, 480, 110), (545, 500, 80), (660, 395, 80), (300, 520, 70))):
        person(draw, x, y, height, index + 3)
    tree(draw, 760, 520, 160)


def community_centre(draw: Draw) -> None:
    """A neighbourhood community centre: an open door, a long table with tea, people talking together."""
    sky(draw, 300)
    ground(draw, 430)
    draw.rectangle(s(60, 110, 740, 430), fill=BRICK)
    draw.polygon(s(40, 120, 400, 30, 760, 120), fill=ROOF_RED)
    for y in range(130, 430, 24):  # brick rows
        draw.line(s(60, y, 740, y), fill=BRICK_DARK, width=SCALE)
    draw.rectangle(s(100, 160, 700, 330), fill=(250, 232, 190))  # a big window into the hall
    draw.rectangle(s(100, 160, 700, 170), fill=(90, 70, 60))
    for x in (250, 400, 550):
        draw.rectangle(s(x - 3, 160, x + 3, 330), fill=(90, 70, 60))
    for index, x in enumerate((150, 210, 320, 470, 590, 650)):  # people inside, around the table
        person(draw, x, 320, 100 - (index % 2) * 10, index)
    draw.rectangle(s(130, 285, 680, 300), fill=(150, 100, 60))  # the table
    for x in (200, 360, 520):
        draw.rectangle(s(x, 270, x + 16, 286), fill=(250, 250, 250))  # cups
        draw.ellipse(s(x + 12, 273, x + 22, 282), outline=(250, 250, 250), width=2 * SCALE)
    draw.ellipse(s(420, 262, 452, 286), fill=(200, 80, 60))  # a teapot
    draw.rectangle(s(350, 350, 450, 430), fill=DOOR)
    draw.rectangle(s(360, 360, 395, 430), fill=(250, 232, 190))  # the door stands open
    for x, colour in ((120, (230, 90, 120)), (170, GOLD), (630, (150, 90, 200)), (680, (230, 90, 120))):
        draw.rectangle(s(x - 20, 400, x + 20, 430), fill=(150, 110, 80))  # flower boxes
        for petal in range(3):
            draw.ellipse(s(x - 18 + petal * 12, 385, x - 6 + petal * 12, 400), fill=colour)
    person(draw, 520, 520, 110, 5)
    person(draw, 580, 525, 80, 1)


PICTURES: dict[str, Callable[[Draw], None]] = {
    "stadhuis.png": town_hall,
    "bibliotheek.png": library,
    "station.png": station,
    "markt.png": market,
    "park.png": park,
    "buurthuis.png": community_centre,
}


def render(paint: Callable[[Draw], None]) -> Image.Image:
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), SKY)
    paint(ImageDraw.Draw(image))
    small = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    # A palette of 64 colours keeps flat drawings sharp and the files small.
    return small.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "conversations" / "pictures"
    target.mkdir(parents=True, exist_ok=True)
    for name, paint in PICTURES.items():
        path = target / name
        render(paint).save(path, optimize=True)
        print(f"{path}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
