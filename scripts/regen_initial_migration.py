"""Regenerate migrations/versions/0001_initial.py from the models (only while no production database exists).

Autogenerates against an empty SQLite database, then adds the trigger installation.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from budgetbeheer.db.migrate import MIGRATIONS_DIR, alembic_config

TARGET = MIGRATIONS_DIR / "versions" / "0001_initial.py"


def main() -> None:
    TARGET.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/empty.sqlite3"
        config = alembic_config(url)
        command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
    generated = next((MIGRATIONS_DIR / "versions").glob("0001_*.py"))
    source = generated.read_text()
    generated.unlink()
    source = source.replace(
        "from alembic import op\n",
        "from alembic import op\n\nfrom budgetbeheer.db.triggers import install_triggers, remove_triggers\n",
    )
    source = re.sub(
        r"(def upgrade\(\) -> None:\n(?:.*\n)*?)(\n\ndef downgrade)",
        lambda m: m.group(1) + "    install_triggers(op.get_bind())\n" + m.group(2),
        source,
        count=1,
    )
    source = source.replace(
        "def downgrade() -> None:\n",
        "def downgrade() -> None:\n    remove_triggers(op.get_bind())\n",
    )
    source = source.replace(
        "def upgrade() -> None:\n",
        "def upgrade() -> None:\n"
        "    if op.get_bind().dialect.name == \"postgresql\":\n"
        "        op.execute(sa.schema.CreateSequence(sa.Sequence(\"ledger_transaction_id_seq\")))\n",
    )
    source = source.replace(
        "    remove_triggers(op.get_bind())\n",
        "    remove_triggers(op.get_bind())\n",
    )
    source = re.sub(
        r"(def downgrade\(\) -> None:\n(?:.*\n)*)",
        lambda m: m.group(1).rstrip("\n")
        + "\n    if op.get_bind().dialect.name == \"postgresql\":\n"
        + "        op.execute(sa.schema.DropSequence(sa.Sequence(\"ledger_transaction_id_seq\")))\n",
        source,
        count=1,
    )
    TARGET.write_text(source)
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
