"""`python -m schedules.commands ...` is `newsdesk ...` (how the service runs child crawls)."""

import sys

from schedules.commands import main

sys.exit(main())
