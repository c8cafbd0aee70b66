from __future__ import annotations

import sys

from polyfolio.cli import main

sys.exit(main())
