"""OCI registries: where models, their cards and signatures travel (the `oci` extra: httpx)."""
