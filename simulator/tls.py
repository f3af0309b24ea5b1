"""One TLS context for the simulator's HTTP clients (webhook deliveries): httpx would build
one per client, loading the whole CA bundle each time (about 45 ms of CPU)."""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default context (certifi's CA bundle, or SSL_CERT_FILE), made once."""
    return httpx.create_ssl_context()
