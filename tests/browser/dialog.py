"""What the tests ask of the home page's item dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DIALOG = "dialog#item-dialog"
TIMEOUT_MS = 10_000


def wait_open(page: Any) -> None:
    page.wait_for_selector(f"{DIALOG}[open] #item-dialog-title", timeout=TIMEOUT_MS)


def wait_closed(page: Any) -> None:
    page.wait_for_function("() => !document.getElementById('item-dialog').open", timeout=TIMEOUT_MS)


def close_by(page: Any, action: Callable[[], None]) -> None:
    """Do ``action`` and return once the dialog's ``close`` event has been handled.

    ``dialog.open`` turns false at once but ``close`` is dispatched later, and the page's
    handler (registered first, so run first) is what returns focus and clears the hash.
    """
    page.evaluate(
        """() => { window.__dialogClosed = new Promise((resolve) =>
             document.getElementById('item-dialog').addEventListener(
               'close', () => setTimeout(resolve, 0), { once: true })); }"""
    )
    action()
    page.evaluate(
        """(ms) => Promise.race([window.__dialogClosed, new Promise((_, reject) =>
             setTimeout(() => reject(new Error('the dialog did not close')), ms))])""",
        TIMEOUT_MS,
    )


def title(page: Any) -> str:
    return str(page.locator(f"{DIALOG} #item-dialog-title").inner_text()).strip()


def focus_is_inside(page: Any) -> bool:
    return bool(page.evaluate("() => !!document.activeElement.closest('#item-dialog')"))


def focused_id(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def hash_of(page: Any) -> str:
    return str(page.evaluate("() => location.hash"))
