"""Pooled-fund agreements: a scenario's host partner, risk share and contingency reserve, and a
plan's exposure and headroom under them."""
