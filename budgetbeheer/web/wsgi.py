"""WSGI entry point for gunicorn: ``gunicorn 'budgetbeheer.web.wsgi:app'``."""

from budgetbeheer.web.app import create_app

app = create_app()
