"""polyfolio: multilingual portfolio sites from Jekyll agency-theme content."""

from __future__ import annotations

__version__ = "0.1.0"
