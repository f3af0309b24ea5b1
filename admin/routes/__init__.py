"""The admin API's routers, one resource per module (full-stack-fastapi-template's layout)."""
