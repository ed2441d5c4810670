"""How sure a plan is: Monte Carlo of its value, the tornado chart, and re-solves on draws."""
