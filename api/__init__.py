"""Jiahe's edge: the HTTP API (create_app) and the command line. Thin: the engine decides."""
from api.app import create_app

__all__ = ["create_app"]
