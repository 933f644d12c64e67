"""How a scan runs: the pieces both engines share, and the engines.

Shared, one job each: :mod:`~pillscan.engines.options` (what a scan is asked, checked once; the model it uses),
:mod:`~pillscan.engines.chunks` (score a chunk, build its rows), :mod:`~pillscan.engines.accounting` (the
tally, the summary, the errors file's lines), :mod:`~pillscan.engines.targets` (output paths: checks, lock,
atomic writes), :mod:`~pillscan.engines.checkpoint` (resume). The engines: :mod:`~pillscan.engines.local` (a
process pool on this machine) and :mod:`pillscan.engines.dask` (a Dask cluster; needs
``pip install 'pillscan[dask]'``). :func:`pillscan.scan.scan` picks one by name.
"""
