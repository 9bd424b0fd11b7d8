from sp_desktop.app import main

raise SystemExit(main())
