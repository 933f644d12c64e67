"""The report page's stylesheet and script (package data, inlined into each report and allowed by hash).

``report.js`` never turns post text into markup: table rows are escaped HTML written by :mod:`pillscan.report`;
the script reads the page's JSON data block (``textContent`` + ``JSON.parse``), toggles ``hidden`` and classes,
re-orders rows, keeps labels in ``localStorage``, links only ``http(s)`` URLs, and builds the labels CSV from the
data block, never from the page's HTML.
"""
