"""Hostile and odd files: each gets a located message or loads correctly — never a traceback,
a hang or a changed source file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyfolio.cli import main
from polyfolio.content.document import parse_document
from polyfolio.content.frontmatter import FrontMatterEditor, read_front_matter, render_scalar
from polyfolio.content.site import load_site
from tests.shared_data import write_site

GOOD = "---\ntitle: Fine\ncaption: {title: Fine}\n---\nBody\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def _nested_list(depth: int) -> str:
    return "".join("  " * level + "- x\n" for level in range(depth))


HOSTILE: list[tuple[str, bytes, str | None]] = [
    # (name, file bytes, expected message prefix — None when the file must load cleanly)
    ("bom", b"\xef\xbb\xbf" + GOOD.encode(), None),
    ("crlf", GOOD.replace("\n", "\r\n").encode(), None),
    ("binary", PNG, "_portfolio/hostile.md:1:1: error: not valid UTF-8 (byte 0x89)"),
    ("invalid-utf8", b"---\ntitle: \xc3\x28\n---\n", "_portfolio/hostile.md:2:8: error: not valid"),
    ("big-body", (GOOD + "word " * 2_000_000).encode(), None),
    ("deep-list", (GOOD + _nested_list(1000)).encode(), None),
    ("list-front-matter", b"---\n- a\n---\n", "_portfolio/hostile.md:2:1: error: front matter"),
    ("scalar-front-matter", b"---\njust text\n---\n", "_portfolio/hostile.md:2:1: error: front"),
    ("unclosed", b"---\ntitle: x\n", "_portfolio/hostile.md:1:1: error: front matter opened"),
    ("tab-indent", b"---\ncaption:\n\ttitle: x\n---\n", "_portfolio/hostile.md:3:1: error: inval"),
    ("duplicate-keys", b"---\na: 1\na: 2\n---\n", "_portfolio/hostile.md:3:1: error: duplicate"),
    ("empty", b"", "_portfolio/hostile.md:1:1: warning: no front matter"),
    ("empty-front-matter", b"---\n---\n", None),
    ("nul-in-yaml", b"---\ntitle: a\x00b\n---\n", "_portfolio/hostile.md:2:9: error: invalid YAML"),
    ("del-in-yaml", b"---\ncaption:\n  t: \x7f\n---\n", "_portfolio/hostile.md:3:6: error: in"),
]


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".polyfolio" not in p.parts
    }


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    data: bytes,
    message: str | None,
) -> None:
    root = write_site(tmp_path, {"_portfolio/hostile.md": data, "_portfolio/good.md": GOOD})
    before = _digests(root)
    site = load_site(root)
    loaded = sorted(item.rel for item in site.items)
    problems = [str(p) for p in site.problems]
    if message is None:
        assert loaded == ["_portfolio/good.md", "_portfolio/hostile.md"]
        assert problems == []
    else:
        assert "_portfolio/good.md" in loaded, "the rest of the site still loads"
        assert len(problems) == 1 and problems[0].startswith(message), problems
    out = tmp_path.parent / f"{tmp_path.name}-out"
    commands = (
        ["check", str(root)],
        ["status", str(root)],
        ["build", str(root), "--out", str(out)],
        ["translate", str(root), "--engine", "copy", "--dry-run"],
    )
    for command in commands:
        assert main(command) in (0, 1), command
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert _digests(root) == before, "no command may modify a source file"


def test_bom_and_crlf_are_kept_on_edit() -> None:
    text = "\ufeff---\r\ntitle: Old\r\nlang: en\r\n---\r\nBody\r\n"
    document = parse_document("x.md", text.encode())
    edited = FrontMatterEditor(document.front_matter).set_values({("lang",): "gr"})
    assert document.with_front_matter(edited).to_text() == text.replace("lang: en", "lang: gr")


# --- property-based: for generated front matter and Markdown, load → save is byte-identical,
# and an edit touches only its own value.

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"),
    max_size=40,
)
DOUBLE = '"'
_key = st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(values=st.dictionaries(_key, _text, min_size=1, max_size=6), body=_text)
def test_generated_documents_round_trip(values: dict[str, str], body: str) -> None:
    front = "".join(f"{k}: {render_scalar(v, DOUBLE)}\n" for k, v in values.items())
    raw = f"---\n{front}---\n{body}".encode()
    document = parse_document("x.md", raw)
    assert document.to_bytes() == raw
    assert read_front_matter(document.front_matter, "x.md").data == values


@settings(max_examples=150, deadline=None)
@given(
    values=st.dictionaries(_key, _text, min_size=2, max_size=6),
    new=_text,
    style=st.sampled_from(["plain", "single", "double"]),
)
def test_generated_edits_touch_only_their_value(
    values: dict[str, str], new: str, style: str
) -> None:
    def render(value: str) -> str:
        return render_scalar(value, {"plain": None, "single": "'", "double": '"'}[style])

    front = "".join(f"{k}: {render(v)}  # note {k}\n" for k, v in values.items())
    target = sorted(values)[0]
    edited = FrontMatterEditor(front).set_values({(target,): new})
    assert read_front_matter(edited, "x.md").data == {**values, target: new}
    untouched = [line for line in front.split("\n") if not line.startswith(f"{target}:")]
    assert [line for line in edited.split("\n") if not line.startswith(f"{target}:")] == untouched
