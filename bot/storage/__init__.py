"""SQLite storage: schema (sqlite-utils migrations) and the plain-SQL per-update queries."""
