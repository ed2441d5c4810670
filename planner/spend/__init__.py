"""Actual spend, forecast outturn and variance against the agreed plan."""
