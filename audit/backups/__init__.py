"""Database backups with `pg_dump` and restores with `pg_restore`, on PostgreSQL only."""
