"""How requests reach the simulated service: botocore event hooks, a network backstop and a
credential-free environment. Knows botocore; knows nothing of the rules."""
