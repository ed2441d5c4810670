"""Observed outcomes per place, demand type and year, beside what the agreed plan expected."""
