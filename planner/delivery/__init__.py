"""Delivery against the agreed plan: which plan the partnership agreed, and what place-based
teams actually delivered (people started and completed), compared with what was planned."""
