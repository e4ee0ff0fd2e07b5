"""The console's files: served under /console with the right content types, nothing from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from services.console.app import CONTENT_TYPES, STATIC_DIR, create_console

#: XML namespace names look like URLs but are never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg"}
URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)]*""")
ASSETS = sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())
ASSET_BYTES = {p: p.read_bytes() for p in ASSETS}


@pytest.fixture
async def client():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_console()), base_url="http://console") as c:
        yield c


def test_the_package_holds_the_shell_and_its_modules():
    names = {p.relative_to(STATIC_DIR).as_posix() for p in ASSETS}
    assert {"index.html", "css/app.css", "js/main.js", "js/api.js", "favicon.svg"} <= names
    assert all(p.suffix in CONTENT_TYPES for p in ASSETS), [p.name for p in ASSETS if p.suffix not in CONTENT_TYPES]


async def test_the_root_redirects_and_the_index_is_html(client):
    r = await client.get("/console")
    assert r.status_code == 307 and r.headers["location"] == "/console/"
    r = await client.get("/console/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN">' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ASSETS, ids=lambda p: p.relative_to(STATIC_DIR).as_posix())
async def test_every_asset_is_served_with_its_content_type(client, path: Path):
    url = (
        "/console/favicon.svg"
        if path.name == "favicon.svg"
        else f"/console/static/{path.relative_to(STATIC_DIR).as_posix()}"
    )
    if path.name == "index.html":
        url = "/console/"
    r = await client.get(url)
    assert r.status_code == 200, url
    assert r.headers["content-type"] == CONTENT_TYPES[path.suffix]
    assert r.content == ASSET_BYTES[path]
    assert r.headers["x-content-type-options"] == "nosniff"
    again = await client.get(url, headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304


async def test_unknown_paths_and_escapes_are_not_found(client):
    for url in (
        "/console/static/nope.js",
        "/console/static/../app.py",
        "/console/static/%2e%2e/app.py",
        "/console/static/%2e%2e/%2e%2e/suite.py",
        "/console/static/js",
        "/console/elsewhere",
    ):
        r = await client.get(url)
        assert r.status_code == 404, url
        assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [p for p in ASSETS if p.suffix in (".html", ".js", ".css")],
    ids=lambda p: p.relative_to(STATIC_DIR).as_posix(),
)
def test_no_page_or_script_loads_anything_from_another_origin(path: Path):
    text = path.read_text(encoding="utf-8")
    external = [u for u in URL.findall(text) if u not in NAMESPACES]
    assert not external, f"{path.name} refers to {external}: the bureau's intranet is offline"
    assert not re.search(r"""<script(?![^>]*\bsrc=)[^>]*>\s*\S""", text), "inline scripts break the CSP"
    assert "@import url(" not in text and "fonts.googleapis" not in text


def test_scripts_are_es_modules_imported_by_relative_paths():
    static_import = re.compile(r"""^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']""", re.M | re.S)
    dynamic_import = re.compile(r"""\bimport\(\s*["'`]([^"'`]+)["'`]""")
    for path in STATIC_DIR.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        for spec in static_import.findall(text) + dynamic_import.findall(text):
            assert spec.startswith(("./", "../", "/console/")), f"{path.name} imports {spec}"
            if "${" not in spec and not spec.startswith("/"):
                assert (path.parent / spec).resolve().is_file(), f"{path.name} imports missing {spec}"


@pytest.mark.parametrize("name", ["enterprises", "hazards"])
async def test_the_import_templates_download_as_csv_excel_can_open(client, name):
    r = await client.get(f"/console/templates/{name}.csv")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith(f'attachment; filename="{name}.csv"')
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    assert r.content.decode("utf-8-sig").splitlines()[0].startswith("统一社会信用代码,")
    assert (await client.get("/console/templates/other.csv")).status_code == 404
