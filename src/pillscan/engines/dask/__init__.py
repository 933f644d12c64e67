"""The same scan on a Dask cluster: inputs split into partitions, scored on workers, written as part files.

Each partition (a Parquet row-group range, a newline-aligned byte range of a JSONL file, or a whole CSV or
compressed file) is read on a worker by pillscan's own readers, scored in bounded chunks by the same code as the
local engine (:func:`pillscan.engines.chunks.process_chunk`) and written as one part file; only small counts
travel back to the client. So ids, scores, decisions and the summary are those of :func:`pillscan.scan.scan`.

The model reaches each worker once: a :class:`ModelPlugin` carries the model file's bytes, checks their sha256
on the worker, loads the model and keeps it in a per-process cache keyed by that sha256.

Modules: :mod:`~pillscan.engines.dask.engine` (the client side, :func:`scan_dask`),
:mod:`~pillscan.engines.dask.plan` (inputs into partitions), :mod:`~pillscan.engines.dask.blocks` (reading a
partition), :mod:`~pillscan.engines.dask.tasks` (a partition's task), :mod:`~pillscan.engines.dask.models` (the
model on the workers), :mod:`~pillscan.engines.dask.frame` (``map_partitions`` over a dataframe).
"""

from __future__ import annotations

from pillscan.engines.dask.engine import DaskScan, scan_dask
from pillscan.engines.dask.frame import output_meta, score_partition
from pillscan.engines.dask.models import ModelPlugin, model_loads, register_model
from pillscan.engines.dask.plan import plan_partitions
from pillscan.engines.options import DEFAULT_BLOCKSIZE

__all__ = [
    "DEFAULT_BLOCKSIZE",
    "DaskScan",
    "ModelPlugin",
    "model_loads",
    "output_meta",
    "plan_partitions",
    "register_model",
    "scan_dask",
    "score_partition",
]
