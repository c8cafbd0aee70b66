"""What the tests ask of the home page's item dialog."""

from __future__ import annotations

from typing import Any

DIALOG = "dialog#item-dialog"
TIMEOUT_MS = 10_000


def wait_open(page: Any) -> None:
    page.wait_for_selector(f"{DIALOG}[open] #item-dialog-title", timeout=TIMEOUT_MS)


def wait_closed(page: Any) -> None:
    page.wait_for_function("() => !document.getElementById('item-dialog').open", timeout=TIMEOUT_MS)


def title(page: Any) -> str:
    return str(page.locator(f"{DIALOG} #item-dialog-title").inner_text()).strip()


def focus_is_inside(page: Any) -> bool:
    return bool(page.evaluate("() => !!document.activeElement.closest('#item-dialog')"))


def focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def hash_of(page: Any) -> str:
    return str(page.evaluate("() => location.hash"))
