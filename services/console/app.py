"""``create_console()``: the ASGI app that serves the admin console under ``/console``.

The console is a set of static files (HTML, CSS, JavaScript ES modules) and nothing else: every
figure it shows comes from the services' APIs on the same origin, fetched by the browser with the
officer's bearer token. Nothing loads from another origin - the bureau's intranet is offline - and
the Content-Security-Policy says so to the browser too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

PREFIX = "/console"
STATIC_DIR = Path(__file__).parent / "static"

#: Content types by suffix; anything else is not served.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
}

# Same origin only: scripts, styles, fonts, images and API calls. Inline styles set through the
# CSSOM (element.style) are not affected; inline <script> and style="" attributes are refused.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


#: Spreadsheet templates for the import page: Chinese headers the services' importers accept, and
#: one example row. Made here rather than shipped as files, so that every install carries them.
TEMPLATES = {
    "enterprises": (
        [
            "统一社会信用代码",
            "企业名称",
            "法定代表人",
            "区划代码",
            "行业类别",
            "乡镇",
            "村",
            "地址",
            "规模",
            "从业人员数",
            "主要负责人",
            "主要负责人电话",
            "安全负责人",
            "安全负责人电话",
            "标准化等级",
            "标准化有效期至",
        ],
        [
            "91330100799655058B",
            "示例企业有限公司",
            "张三",
            "330503",
            "工贸",
            "旧馆镇",
            "三桥村",
            "湖州市南浔区旧馆镇三桥村1号",
            "小型",
            "50",
            "张三",
            "13800000000",
            "李四",
            "13900000000",
            "三级",
            "2028-06-30",
        ],
    ),
    "hazards": (
        [
            "统一社会信用代码",
            "隐患描述",
            "隐患等级",
            "隐患来源",
            "发现时间",
            "发现人",
            "整改通知书编号",
            "通知书下达时间",
            "整改期限",
            "整改措施",
            "销号时间",
        ],
        [
            "91330100799655058B",
            "消防通道堵塞",
            "一般隐患",
            "日常检查",
            "2025-03-02",
            "王五",
            "南浔安监整改〔2025〕0001号",
            "2025-03-03",
            "2025-03-18",
            "清理通道",
            "2025-03-15",
        ],
    ),
}


def template_csv(name: str) -> bytes:
    """A template as CSV with a byte-order mark, so that Excel opens the UTF-8 Chinese correctly."""
    header, example = TEMPLATES[name]
    return ("\ufeff" + ",".join(header) + "\r\n" + ",".join(example) + "\r\n").encode("utf-8")


@dataclass(frozen=True)
class _Asset:
    body: bytes
    etag: str
    content_type: str
    mtime_ns: int


class _Assets:
    """Files under ``static/``, read on first use and again when they change on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[Path, _Asset] = {}

    def get(self, relative: str) -> _Asset | None:
        if not relative or "\\" in relative or relative.startswith("/"):
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        content_type = CONTENT_TYPES.get(path.suffix.lower())
        if content_type is None:
            return None
        mtime = path.stat().st_mtime_ns
        cached = self._cache.get(path)
        if cached is None or cached.mtime_ns != mtime:
            body = path.read_bytes()
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            cached = _Asset(body, etag, content_type, mtime)
            self._cache[path] = cached
        return cached


def _serve(request: Request, asset: _Asset) -> Response:
    # no-cache = revalidate every time: a new release reaches every officer at once, and an
    # unchanged file costs a 304.
    headers = {"etag": asset.etag, "cache-control": "no-cache", **SECURITY_HEADERS}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.content_type, headers=headers)


def _not_found(path: str) -> Response:
    return JSONResponse(
        {"type": "about:blank", "title": "Not found", "status": 404, "code": "not_found", "detail": f"no page {path}"},
        status_code=404,
        media_type="application/problem+json",
        headers=SECURITY_HEADERS,
    )


def create_console(static_dir: Path | None = None) -> Starlette:
    """The console app; it receives full paths (``/console/...``) from the suite."""
    assets = _Assets(static_dir or STATIC_DIR)

    async def root(request: Request) -> Response:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    async def index(request: Request) -> Response:
        asset = assets.get("index.html")
        return _serve(request, asset) if asset else _not_found(request.url.path)

    async def static(request: Request) -> Response:
        asset = assets.get(request.path_params["path"])
        return _serve(request, asset) if asset else _not_found(request.url.path)

    async def favicon(request: Request) -> Response:
        asset = assets.get("favicon.svg")
        return _serve(request, asset) if asset else _not_found(request.url.path)

    async def template(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in TEMPLATES:
            return _not_found(request.url.path)
        filename = {"enterprises": "企业名录导入模板.csv", "hazards": "隐患台账导入模板.csv"}[name]
        headers = {
            **SECURITY_HEADERS,
            "content-disposition": f"attachment; filename=\"{name}.csv\"; filename*=UTF-8''{quote(filename)}",
        }
        return Response(template_csv(name), media_type=CONTENT_TYPES[".csv"], headers=headers)

    async def fallback(request: Request) -> Response:
        return _not_found(request.url.path)

    return Starlette(
        routes=[
            Route(PREFIX, root, methods=["GET", "HEAD"]),
            Route(f"{PREFIX}/", index, methods=["GET", "HEAD"]),
            Route(f"{PREFIX}/index.html", index, methods=["GET", "HEAD"]),
            Route(f"{PREFIX}/favicon.svg", favicon, methods=["GET", "HEAD"]),
            Route(f"{PREFIX}/static/{{path:path}}", static, methods=["GET", "HEAD"]),
            Route(f"{PREFIX}/templates/{{name}}.csv", template, methods=["GET", "HEAD"]),
            Route(f"{PREFIX}/{{rest:path}}", fallback, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
        ]
    )
