"""What the server-rendered channels (``web``, ``dashboard``) read off a request alike: its
posted fields and the language its browser asks for. They never import each other, so what
they share lives here, below them."""
