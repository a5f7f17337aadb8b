"""Everything prov reads and writes on disk: the repo's ``.prov/`` and the per-user key directory."""
