"""`python -m mopstui` runs the same command line as the `mopstui` script."""

from mopstui.cli import main

raise SystemExit(main())
