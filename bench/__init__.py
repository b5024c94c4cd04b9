"""Benchmarks of labelchain: each script prints its figures next to their goals (``make bench``)."""
