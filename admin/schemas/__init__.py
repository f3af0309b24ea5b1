"""Request and response bodies of the admin API, kept apart from the ORM classes.

Named after full-stack-fastapi-template: ``ThingCreate`` (POST body), ``ThingUpdate`` (PATCH
body), ``ThingPublic`` (one thing out), ``ThingsPublic`` (a page of things).
"""
