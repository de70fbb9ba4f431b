"""Jiahe's edge: the command line now, the HTTP API (create_app) next."""
