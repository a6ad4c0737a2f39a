"""The gateway's ``/openapi.json``: its own operations and the three services'.

Each service's document is fetched from its ``/openapi.json`` when the
gateway's is asked for, and kept a short while (``openapi_cache_s``), so a
service that starts later or is upgraded shows up without restarting the
gateway. In the merged document a service's

- public paths ``/api/v1/x`` become ``/api/v1/<service>/x`` (internal and
  health paths are left out: they are not reachable through the gateway);
- components are renamed ``<service>.<Name>`` (every service has its own
  ``Problem``, ``Page_...``), and every reference to them follows;
- tags (and each operation's) read ``<服务中文名> · <tag>``; operation ids get
  the service's name in front, so they stay unique.

A service that does not answer is missing from the document, and the
document's description says so (``x-unavailable-services`` lists them).
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Mapping
from typing import Any

import httpx
import structlog
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from civil_gateway.config import GatewaySettings
from civil_gateway.routing.upstreams import SERVICES, Service, Upstreams, upstreams_of

log = structlog.get_logger("civil.gateway.openapi")

Document = dict[str, Any]

PUBLIC_PREFIX = "/api/v1/"
_COMPONENTS_REF = "#/components/"
_OPERATIONS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
#: Kept under their own names: operations name them in ``security``, not by $ref.
_SHARED_SECTIONS = frozenset({"securitySchemes"})
#: A failed fetch is retried sooner than a good document is refreshed.
_FAILURE_CACHE_S = 5.0


# --- Merging (pure) -----------------------------------------------------------------


def _renamed(ref: str, names: Mapping[str, Mapping[str, str]]) -> str:
    if not ref.startswith(_COMPONENTS_REF):
        return ref
    section, _, name = ref[len(_COMPONENTS_REF) :].partition("/")
    new = names.get(section, {}).get(name)
    return f"{_COMPONENTS_REF}{section}/{new}" if new is not None else ref


def _rewrite_refs(node: Any, names: Mapping[str, Mapping[str, str]]) -> Any:
    """A copy of ``node`` whose component references use the namespaced names."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = _renamed(value, names)
            elif key == "mapping" and isinstance(value, dict):  # discriminator mappings
                out[key] = {
                    k: _renamed(v, names) if isinstance(v, str) else v for k, v in value.items()
                }
            else:
                out[key] = _rewrite_refs(value, names)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, names) for item in node]
    return node


def _tag(service: Service, tag: str) -> str:
    return f"{service.label} · {tag}"


def merge(own: Document, documents: Mapping[str, Document | None]) -> Document:
    """The gateway's document ``own`` with each service's public API under its prefix.

    ``documents`` maps a service name to its document, or None when it did not answer.
    """
    merged = copy.deepcopy(own)
    merged.setdefault("paths", {})
    merged.setdefault("components", {})
    merged.setdefault("tags", [])
    missing: list[Service] = []
    for service in SERVICES:
        if service.name not in documents:
            continue
        document = documents[service.name]
        if document is None:
            missing.append(service)
        else:
            _add_service(merged, service, document)
    info = merged.setdefault("info", {})
    notes = [info.get("description", "")]
    routes = "；".join(f"`/api/v1/{s.name}/…` → {s.label}" for s in SERVICES)
    notes.append(f"经网关访问各服务：{routes}。")
    if missing:
        notes.append(
            "**暂缺：** "
            + "、".join(s.label for s in missing)
            + "的接口文档暂时无法获取（服务未启动或无法访问），其接口未列于此；稍后刷新即可。"
        )
        merged["x-unavailable-services"] = [s.name for s in missing]
    info["description"] = "\n\n".join(note for note in notes if note)
    if not merged["tags"]:
        del merged["tags"]
    return merged


def _add_service(merged: Document, service: Service, document: Document) -> None:
    """Add one service's components, tags and public paths to ``merged``."""
    sections = {
        section: entries
        for section, entries in document.get("components", {}).items()
        if isinstance(entries, dict)
    }
    names = {
        section: {
            name: name if section in _SHARED_SECTIONS else f"{service.name}.{name}"
            for name in entries
        }
        for section, entries in sections.items()
    }
    components: dict[str, Any] = merged["components"]
    for section, entries in sections.items():
        target = components.setdefault(section, {})
        for name, entry in entries.items():
            new = names[section][name]
            if section in _SHARED_SECTIONS and new in target:
                continue  # the same bearer scheme: the gateway's own stays
            target[new] = _rewrite_refs(entry, names)

    tags: list[dict[str, Any]] = merged["tags"]
    known = {tag["name"] for tag in tags}
    described = {tag["name"]: tag for tag in document.get("tags", []) if isinstance(tag, dict)}

    def tag_of(tag: str | None) -> str:
        name = _tag(service, tag) if tag else service.label
        if name not in known:
            known.add(name)
            description = described.get(tag, {}).get("description") if tag else None
            tags.append({"name": name, "description": description or f"{service.label}的接口"})
        return name

    paths: dict[str, Any] = merged["paths"]
    for path, item in document.get("paths", {}).items():
        if not path.startswith(PUBLIC_PREFIX):
            continue  # /healthz, /internal/v1/...: not reachable through the gateway
        item = _rewrite_refs(item, names)
        for method, operation in item.items():
            if method not in _OPERATIONS or not isinstance(operation, dict):
                continue
            operation["tags"] = [tag_of(tag) for tag in operation.get("tags") or [None]]
            if "operationId" in operation:
                operation["operationId"] = f"{service.name}__{operation['operationId']}"
        paths[f"/api/v1/{service.name}/{path[len(PUBLIC_PREFIX) :]}"] = item


# --- Fetching, with a short cache -----------------------------------------------------


class OpenApiCatalogue:
    """The services' documents, each fetched at most once per cache period."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._settings = settings
        self._cached: dict[str, tuple[float, Document | None]] = {}
        self._lock = asyncio.Lock()

    async def documents(self, upstreams: Upstreams | None) -> dict[str, Document | None]:
        """Every service's document, None for one that did not answer."""
        async with self._lock:  # one fetch at a time, however many readers
            now = time.monotonic()
            stale = [
                service
                for service in SERVICES
                if service.name not in self._cached or self._cached[service.name][0] <= now
            ]
            if stale:
                fetched = await asyncio.gather(*(self._fetch(s, upstreams) for s in stale))
                for service, document in zip(stale, fetched, strict=True):
                    keep = self._settings.openapi_cache_s if document else _FAILURE_CACHE_S
                    self._cached[service.name] = (now + keep, document)
            return {name: document for name, (_, document) in self._cached.items()}

    async def _fetch(self, service: Service, upstreams: Upstreams | None) -> Document | None:
        http = upstreams[service.name].http if upstreams is not None else None
        if http is None:
            return None
        try:
            response = await http.get(
                "/openapi.json",
                headers={"Accept": "application/json"},
                timeout=self._settings.openapi_timeout_s,
            )
            if response.status_code != 200:
                raise ValueError(f"HTTP {response.status_code}")
            document = response.json()
            if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
                raise ValueError("not an OpenAPI document")
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("openapi_unavailable", service=service.name, error=str(exc))
            return None
        return document


def install_merged_openapi(app: FastAPI) -> None:
    """Serve the merged document at the app's ``openapi_url`` (its /docs reads it)."""
    catalogue = OpenApiCatalogue(app.state.settings)

    async def merged_openapi(request: Request) -> JSONResponse:
        documents = await catalogue.documents(upstreams_of(request))
        return JSONResponse(merge(app.openapi(), documents))

    url = app.openapi_url
    assert url is not None
    routes = app.router.routes
    for index, route in enumerate(routes):
        if isinstance(route, Route) and route.path == url:
            routes[index] = Route(url, merged_openapi, include_in_schema=False)
            return
    raise RuntimeError(f"the app serves no {url}")
