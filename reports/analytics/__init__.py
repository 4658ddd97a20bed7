"""Dashboard figures: counts, sums and daily series, each computed by the database."""
