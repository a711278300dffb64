"""Storage: the tables, the engine, the migrations and every SQL statement."""
