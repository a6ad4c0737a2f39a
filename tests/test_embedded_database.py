"""`make run` on a machine without a PostgreSQL server: every service's migrations
apply on the embedded one (the ``pgserver`` wheel), which has no contrib extensions.

CI has a real server, so without this test a migration needing an extension
(``btree_gist``, say) would pass every other test and break the first `make run`.
"""

import os
import subprocess
import sys
from pathlib import Path

MIGRATE_ALL = """
from civil_cli import database
from civil_shared.runtime.migrations import upgrade

server = database.server_url()
for package in ("civil_assistance", "civil_welfare", "civil_governance", "civil_gateway"):
    database.ensure_database(server, package)
    upgrade(package, database.database_url(server, package))
    print(package, "migrated")
"""


def test_every_service_migrates_on_the_embedded_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CIVIL_DATABASE_URL",)}
    env["CIVIL_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", MIGRATE_ALL],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split("\n")[:4] == [
        f"{package} migrated"
        for package in ("civil_assistance", "civil_welfare", "civil_governance", "civil_gateway")
    ]
