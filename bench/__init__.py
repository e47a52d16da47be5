"""Benchmarks that measure introbot against the mail servers' own floors and print a table of figures."""
