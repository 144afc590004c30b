"""Draw the program's icon into src/jsxclient/resources/icons/: jsxclient.png
(256 px, the window icon) and jsxclient.ico (16-256 px: the executables, the
shortcuts and the installer).

    QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py

The picture is the navigation bar's colours with 计 in a CJK sans face, so it
needs a CJK font (Noto Sans CJK SC, Microsoft YaHei, ...) on the machine that
runs it. Both files are checked in; run this only to change the icon.

The .ico holds 32-bit BMP images up to 128 px and a PNG at 256 px, the layout
every Windows version since Vista, NSIS, PyInstaller and Qt read.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter

ICONS = Path(__file__).resolve().parents[1] / "src" / "jsxclient" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
NAVY, GOLD = QColor("#1f3a5f"), QColor("#ffb547")
FACES = ("Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", "WenQuanYi Micro Hei")


def draw(size: int, face: str) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = max(1.0, size / 32)
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(NAVY)
    p.drawRoundedRect(box, size * 0.18, size * 0.18)
    bar = QRectF(box.left(), box.bottom() - size * 0.14, box.width(), size * 0.14)
    p.setBrush(GOLD)
    p.setClipRect(bar)
    p.drawRoundedRect(box, size * 0.18, size * 0.18)
    p.setClipping(False)
    font = QFont(face)
    font.setPixelSize(int(size * 0.62))
    font.setWeight(QFont.Weight.Bold)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(
        QRectF(box.left(), box.top(), box.width(), box.height() - size * 0.12),
        Qt.AlignmentFlag.AlignCenter,
        "计",
    )
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(data.data())


def bmp_entry(img: QImage) -> bytes:
    """A 32-bit DIB as an .ico holds it: a BITMAPINFOHEADER of double height,
    the BGRA rows bottom-up, then an all-clear 1-bit AND mask."""
    w, h = img.width(), img.height()
    header = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in range(h - 1, -1, -1):
        row = bytearray()
        for x in range(w):
            c = img.pixelColor(x, y)
            row += bytes((c.blue(), c.green(), c.red(), c.alpha()))
        rows.append(bytes(row))
    mask_row = b"\0" * (((w + 31) // 32) * 4)
    return header + b"".join(rows) + mask_row * h


def ico(images: list[QImage]) -> bytes:
    entries = [png_bytes(i) if i.width() >= 256 else bmp_entry(i) for i in images]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for img, blob in zip(images, entries, strict=True):
        side = img.width() % 256  # 0 means 256
        out += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return out + b"".join(entries)


def main() -> int:
    app = QGuiApplication(sys.argv)
    families = set(QFontDatabase.families())
    face = next((f for f in FACES if f in families), None)
    if face is None:
        print("no CJK font found; install fonts-noto-cjk", file=sys.stderr)
        return 1
    images = [draw(s, face) for s in SIZES]
    (ICONS / "jsxclient.ico").write_bytes(ico(images))
    images[-1].save(str(ICONS / "jsxclient.png"), "PNG")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
