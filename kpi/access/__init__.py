"""Who may see and change what: accounts and roles (``auth``), sessions and meeting links,
the failed-login brake (``throttle``).

Belongs here: permissions, scopes, password hashing, session tokens.
Must not: compute KPIs. Imports ``kpi.warehouse``, ``kpi.measures`` (a scope is a filter),
``kpi.text`` and ``kpi.config``.
"""
