"""Keys, key ids and DSSE envelopes."""
