"""Building, signing, reading and rendering model cards."""
