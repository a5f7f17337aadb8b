from provenance.cli.main import main

raise SystemExit(main())
