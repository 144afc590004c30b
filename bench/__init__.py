"""Benchmarks: `python -m bench` lists them, `python -m bench NAME [ARGS]` runs
`bench/NAME.py` and records its figures in `bench/results/NAME.json`.

A benchmark module exposes `run(argv: list[str]) -> dict[str, object]`; the
figures it returns are flat (name -> number or text) or one level of nesting
(a group name -> figures), which the table printer shows as a sub-table.
"""
