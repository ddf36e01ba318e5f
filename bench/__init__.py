"""Benchmarks: our models beside the article's approaches, measured side by side in one run.

``python -m bench.run`` (``make bench``) writes ``bench/results.json`` and ``docs/BENCHMARKS.md``;
``python -m bench.run --quick`` is a smoke run of a few minutes that writes to a temporary folder.
"""
