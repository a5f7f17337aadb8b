from provenance.cli.entry import main

raise SystemExit(main())
