"""The partnership's inputs: partners, budgets, contracts, demand types, interventions, places."""
