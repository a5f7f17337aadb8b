"""Pre-commit hooks: ``main(argv) -> int`` entry points, fast when there is nothing to check."""
