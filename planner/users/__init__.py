"""User administration: accounts, roles, place leads' places, deactivation, password resets."""
