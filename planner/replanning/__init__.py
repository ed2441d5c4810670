"""In-year re-planning, evidence checks and the stop list: re-solves of the agreed plan."""
