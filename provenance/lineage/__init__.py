"""Where an artefact came from: code (git) and parent artefacts."""
