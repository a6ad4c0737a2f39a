"""The deployment checks (``deploy/check.py``) pass on the manifests as they are, and
catch a Deployment that asks for a probe path, a port or a variable the service lacks.

Each change is made to a copy of ``deploy/k8s``, which is rendered and checked
exactly as ``make deploy-check`` does.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEPLOY = Path(__file__).resolve().parents[1]


def _load_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_check", DEPLOY / "check.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


check = _load_check()


@pytest.fixture
def k8s(tmp_path: Path) -> Path:
    copy = tmp_path / "k8s"
    shutil.copytree(DEPLOY / "k8s", copy)
    return copy


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), "utf-8")


def problems_of(k8s: Path, overlay: str = "prod") -> list[str]:
    objects = check.render(k8s / "overlays" / overlay)
    return list(check.consistency_problems(objects))


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_every_deployment_matches_its_service(overlay: str) -> None:
    assert problems_of(DEPLOY / "k8s", overlay) == []


def test_the_services_serve_the_probe_paths() -> None:
    for service in check.SERVICES:
        assert check.serves(service, "/healthz")
        assert check.serves(service, "/readyz")
        assert not check.serves(service, "/ready")


def test_a_probe_path_the_service_lacks_is_caught(k8s: Path) -> None:
    edit(k8s / "base/welfare/deployment.yaml", "path: /readyz", "path: /ready")
    assert problems_of(k8s) == [
        "Deployment/welfare: readinessProbe path /ready is not a route of welfare"
    ]


def test_a_port_the_image_does_not_listen_on_is_caught(k8s: Path) -> None:
    edit(k8s / "base/assistance/deployment.yaml", "containerPort: 8000", "containerPort: 8080")
    edit(k8s / "base/governance/deployment.yaml", "port: http", "port: 8080")
    problems = problems_of(k8s)
    assert "Deployment/assistance: container port http is 8080, the image listens on 8000" in (
        problems
    )
    assert "Deployment/governance: startupProbe port 8080 is not the service's 8000" in problems


def test_an_environment_variable_the_settings_do_not_read_is_caught(k8s: Path) -> None:
    edit(
        k8s / "base/welfare/deployment.yaml",
        "name: WELFARE_SERVICE_TOKEN_FILE",
        "name: WELFARE_TOKEN_FILE",
    )
    edit(k8s / "base/gateway/kustomization.yaml", "GATEWAY_WELFARE_URL=", "GATEWAY_WELFARE_URI=")
    problems = problems_of(k8s)
    assert (
        "Deployment/welfare: environment variable WELFARE_TOKEN_FILE is read by neither "
        "the welfare service's settings (WELFARE_*) nor its server"
    ) in problems
    assert any("GATEWAY_WELFARE_URI is read by neither" in p for p in problems)


def test_a_file_setting_outside_every_mount_is_caught(k8s: Path) -> None:
    edit(
        k8s / "base/gateway/kustomization.yaml",
        "GATEWAY_SIGNING_KEYS_DIR=/var/run/civil/signing-keys",
        "GATEWAY_SIGNING_KEYS_DIR=/etc/civil/keys",
    )
    assert problems_of(k8s) == [
        "Deployment/gateway: GATEWAY_SIGNING_KEYS_DIR=/etc/civil/keys is on no mounted volume"
    ]


def test_a_migration_job_that_does_not_migrate_is_caught(k8s: Path) -> None:
    edit(k8s / "base/governance/migrate-job.yaml", '"upgrade", "head"', '"current"')
    assert problems_of(k8s) == [
        "Job/governance-migrate: runs ['alembic', 'current'], not alembic upgrade head"
    ]


def test_unknown_fields_fail_the_schemas(k8s: Path) -> None:
    edit(k8s / "base/welfare/database.yaml", "  instances: 1\n", "  instances: 1\n  replicas: 3\n")
    edit(k8s / "base/welfare/pdb.yaml", "maxUnavailable: 1", "maxUnavailable: 1\n  minReady: 1")
    objects = check.render(k8s / "overlays" / "dev")
    problems = [p for obj in objects for p in check.schema_problems(obj)]
    assert any(p.startswith("Cluster/welfare-db: spec: Additional") for p in problems)
    assert any(p.startswith("PodDisruptionBudget/welfare: Kubernetes 1.37") for p in problems)


def test_make_deploy_check_fails_on_a_changed_probe_path(
    k8s: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(k8s / "base/gateway/deployment.yaml", "path: /healthz", "path: /health", count=2)
    # The command's own entry point (make deploy-check runs `python deploy/check.py`),
    # in this process so the services' apps are built once.
    assert check.main(["--k8s", str(k8s), "--no-lint"]) == 1
    out = capsys.readouterr().out
    assert "startupProbe path /health is not a route of gateway" in out
    assert "overlay prod: 42 objects, 2 problems: FAILED" in out


def test_a_network_policy_that_cuts_a_call_the_settings_make_is_caught(k8s: Path) -> None:
    edit(k8s / "base/networkpolicies.yaml", 'values: ["gateway", "welfare"]', 'values: ["gateway"]')
    edit(
        k8s / "base/networkpolicies.yaml",
        "      cnpg.io/cluster: governance-db\n  policyTypes",
        "      cnpg.io/cluster: governance-db-old\n  policyTypes",
    )
    # The default deny still holds the governance database: now nobody reaches it.
    assert sorted(problems_of(k8s)) == [
        "NetworkPolicy: governance may not reach its database",
        "NetworkPolicy: welfare may not reach assistance, which it calls",
    ]
