"""introbot: double opt-in introductions between practitioners' clients and colleagues, by email."""

__version__ = "0.1.0"
