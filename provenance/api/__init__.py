"""The library behind the CLI: each function does one user-level job and returns a value."""
