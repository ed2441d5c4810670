"""The evidence register: changes to interventions' ratings, effects and costs, and their effect
on the agreed plan."""
