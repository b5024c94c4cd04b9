"""``python -m demo``: run the offline demo with the command line's arguments."""

from .main import main

raise SystemExit(main())
