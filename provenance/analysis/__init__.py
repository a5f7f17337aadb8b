"""What an artefact is and holds, found without running code from it."""
