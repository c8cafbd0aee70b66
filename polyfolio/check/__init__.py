"""Content checks (``polyfolio check``): small named rules over a loaded site."""

from polyfolio.check.rules import RULES, check_site

__all__ = ["RULES", "check_site"]
