"""Every write of the accounts app: one function per use case, each in a transaction."""
