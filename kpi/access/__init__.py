"""Who may see and change what: roles, actions and scopes (``permissions``), the password store
(``accounts``: hashing, login, lockout), sessions and meeting links (``sessions``), the
failed-login brake (``throttle``).

Belongs here: permissions, scopes, password hashing, session tokens.
Must not: compute KPIs. Imports ``kpi.warehouse``, ``kpi.measures`` (a scope is a filter),
``kpi.text`` and ``kpi.config``.
"""
