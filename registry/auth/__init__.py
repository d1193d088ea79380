"""Users, roles, log-in, API tokens and the access policy."""
