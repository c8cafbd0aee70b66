"""Request targets → files: traversal in every encoding is refused, nothing outside is served."""

from __future__ import annotations

from pathlib import Path

import pytest

from polyfolio.serve import DevServer
from tests.serve.conftest import SECRET, ServedTree, quiet, steady_builder
from tests.serve.rawhttp import raw_get

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "serve" / "request_targets.tsv"


def _cases() -> list[tuple[str, int]]:
    cases = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            target, status = line.split("\t")
            cases.append((target, int(status)))
    return cases


@pytest.mark.parametrize(("target", "status"), _cases(), ids=lambda value: str(value))
def test_request_target(static_server: DevServer, target: str, status: int) -> None:
    response = raw_get(static_server.port, target)
    assert response.status == status
    assert SECRET.encode() not in response.body


def test_the_secret_is_really_reachable_through_the_symlinks(served_tree: ServedTree) -> None:
    # Guards the cases above: they would pass vacuously if the symlinks led nowhere.
    assert (served_tree.root / "escape" / "secret.txt").read_text() == SECRET
    assert (served_tree.root / "escape.txt").read_text() == SECRET


def test_missing_page_gets_the_sites_404_page(static_server: DevServer) -> None:
    response = raw_get(static_server.port, "/sub/missing/deeper")
    assert response.status == 404
    assert b"custom not found" in response.body


def test_folder_without_slash_redirects_to_the_slash_form(static_server: DevServer) -> None:
    response = raw_get(static_server.port, "/sub?x=1")
    assert response.status == 301
    assert response.headers["location"] == "/sub/?x=1"


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("/index.html", "text/html; charset=utf-8"),
        ("/sub/style.css", "text/css; charset=utf-8"),
        ("/__polyfolio/reload.js", "text/javascript; charset=utf-8"),
        ("/__polyfolio/reload-worker.js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_types(static_server: DevServer, target: str, kind: str) -> None:
    response = raw_get(static_server.port, target)
    assert response.headers["content-type"] == kind
    assert response.headers["x-content-type-options"] == "nosniff"


def test_head_sends_headers_without_body(static_server: DevServer) -> None:
    got = raw_get(static_server.port, "/sub/style.css")
    head = raw_get(static_server.port, "/sub/style.css", method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.body))


def test_other_methods_are_refused(static_server: DevServer) -> None:
    assert raw_get(static_server.port, "/index.html", method="POST").status == 501


def test_binds_loopback_by_default(served_tree: ServedTree) -> None:
    server = DevServer(served_tree.root, steady_builder, [], port=0, on_build=quiet)
    with server:
        assert server.host == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{server.port}/"


def test_base_path_mounts_the_folder_under_the_sites_baseurl(served_tree: ServedTree) -> None:
    server = DevServer(
        served_tree.root, steady_builder, [], port=0, base_path="/clinic", on_build=quiet
    )
    with server:
        assert server.url.endswith("/clinic/")
        assert raw_get(server.port, "/clinic/sub/page.html").body.startswith(b"<html><body>sub")
        assert raw_get(server.port, "/clinic").headers["location"] == "/clinic/"
        assert raw_get(server.port, "/").headers["location"] == "/clinic/"
        assert raw_get(server.port, "/sub/page.html").status == 404
        assert raw_get(server.port, "/clinic/../secret.txt").status == 400
