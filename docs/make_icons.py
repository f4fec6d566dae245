"""Render static/icons/favicon.svg with Chromium into the PNG icons and favicon.ico.

    .venv/bin/python docs/make_icons.py

favicon.ico holds 16, 32 and 48 px PNG images (the ICO format allows PNG entries);
apple-touch-icon.png is 180 px.
"""

import os
import struct
from pathlib import Path
from urllib.parse import quote

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def render(sizes: list[int]) -> dict[int, bytes]:
    from playwright.sync_api import sync_playwright

    source = "data:image/svg+xml," + quote((ICONS / "favicon.svg").read_text())
    images = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size in sizes:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(f'<body><img src="{source}" width="{size}" height="{size}"></body>')
            page.add_style_tag(content="body { margin: 0; background: transparent; }")
            page.wait_for_timeout(100)
            clip = {"x": 0, "y": 0, "width": size, "height": size}
            images[size] = page.screenshot(omit_background=True, clip=clip)
            page.close()
        browser.close()
    return images


def ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file whose entries are PNG images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    directory, data = b"", b""
    for size, png in images:
        width = size if size < 256 else 0
        directory += struct.pack("<BBBBHHII", width, width, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        data += png
    return header + directory + data


def main() -> None:
    images = render([16, 32, 48, 180])
    (ICONS / "apple-touch-icon.png").write_bytes(images[180])
    (ICONS / "favicon.ico").write_bytes(ico([(size, images[size]) for size in (16, 32, 48)]))
    print(f"Wrote favicon.ico and apple-touch-icon.png in {ICONS}")


if __name__ == "__main__":
    main()
