"""ETL: spreadsheets in, warehouse rows out, every rejected row explained.

Stages, one module each: read (bytes → raw table) → headers (find and map the
header) → validate (coerce column-wise, explain rejects) → load (one transaction
per file, with a load batch row). ``__main__`` is the CLI over the same functions.
"""
