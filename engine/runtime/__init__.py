"""The runtime: a facade over SpiffWorkflow that persists every step (no HTTP)."""
