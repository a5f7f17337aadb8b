from provenance.cli.entry import run

run()
