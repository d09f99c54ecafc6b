"""Print the README's table of who may do what (between its ``permissions`` markers), made from the permission
table; ``--routes`` prints every route with the permission it needs instead.

    .venv/bin/python scripts/permission_table.py [--routes]
"""

from __future__ import annotations

import sys


def routes() -> str:
    from budgetbeheer.config import Settings
    from budgetbeheer.web.app import create_app

    app = create_app(Settings(environment="test", database_url="sqlite://", secret_key="routes"))  # noqa: S106 (only to list routes)
    lines = []
    for rule in sorted(app.url_map.iter_rules(), key=str):
        view = app.view_functions.get(rule.endpoint)
        mark = "public" if getattr(view, "_public", False) else getattr(view, "_permission", "-")
        methods = ",".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
        lines.append(f"{methods}\t{rule}\t{mark}")
    return "\n".join(lines) + "\n"


def main() -> None:
    from budgetbeheer.users.permissions import permission_table

    sys.stdout.write(routes() if "--routes" in sys.argv[1:] else permission_table())


if __name__ == "__main__":
    main()
