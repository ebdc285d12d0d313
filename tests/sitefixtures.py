"""Helpers for tests that crawl the fixture site: an outlet file pointing at the server."""

from __future__ import annotations

from pathlib import Path

DEMO_OUTLET = Path(__file__).resolve().parent / "fixtures" / "outlets" / "demo.toml"


def write_outlet(directory: Path, base_url: str, name: str = "fixture", extra: str = "") -> Path:
    """The demo outlet file, re-pointed at `base_url`, written as NAME.toml in `directory`."""
    text = DEMO_OUTLET.read_text().replace("http://127.0.0.1:8765", base_url)
    text = text.replace('name = "demo"', f'name = "{name}"') + extra
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(text)
    return path
