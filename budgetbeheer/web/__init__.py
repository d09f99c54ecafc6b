"""Server-rendered Flask/Jinja pages and the JSON API. Views parse input, call the domain, render."""
