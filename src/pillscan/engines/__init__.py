"""Scan engines beyond the local process pool: :mod:`pillscan.engines.dask` runs the same scan on a Dask cluster.

Engines are optional: importing one needs its extra (``pip install 'pillscan[dask]'``).
"""
