"""Policy: pure functions from cards, manifests, recipients and time to terms and decisions."""
