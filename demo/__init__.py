"""Demo data: every back office filled with coherent, made-up records (`manage.py demo_data`).

Nothing imports this app; it depends on every other one and writes only through
their service functions, so the data obeys the same rules as real data.
"""
