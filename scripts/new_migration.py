"""Autogenerate a service's next Alembic revision from its models.

    .venv/bin/python scripts/new_migration.py registry "enterprises and assessments"

Upgrades a scratch SQLite database to head, then diffs the models against it. Review the file it
writes (batch mode is on, partial indexes carry both dialects' where clauses).
"""

import sys
import tempfile

from alembic import command

from services.suite import migrations_dir
from shared.db.migrations import alembic_config


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    service, message = sys.argv[1], sys.argv[2]
    url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/scratch.db"
    cfg = alembic_config(migrations_dir(service), url)
    command.upgrade(cfg, "head")
    command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    main()
