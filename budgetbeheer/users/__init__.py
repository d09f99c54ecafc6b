"""Users, roles, passwords, API tokens and the permission table."""
