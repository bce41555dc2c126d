"""`python -m kpi …`: thin argparse commands over the library (like sqlite-utils).

Belongs here: argument parsing, printing, exit codes. Each command calls one library function.
Must not: hold logic a page or export would also need. May import every other room.
"""
