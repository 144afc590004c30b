"""`python -m jsxclient.cli`, as the tests and a source checkout run it."""

import sys

from jsxclient.cli import main

sys.exit(main())
