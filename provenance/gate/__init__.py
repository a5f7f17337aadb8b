"""The one gate: which paths a commit check judges, and the context every decision is taken in."""
