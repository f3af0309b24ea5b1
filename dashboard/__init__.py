"""The quality manager's dashboard at ``/dashboard``: server-rendered pages (Jinja2) over the
campaign services, signed in with an API key exchanged for a signed session cookie. A channel
of its own beside bot/, admin/, web/ and mailing/: it imports none of them."""
