"""API tokens: created and revoked by their user, on the "API tokens" page or through the API."""
