"""Jiahe's engine: definitions, runtime, persistence and audit. Knows nothing of HTTP."""
