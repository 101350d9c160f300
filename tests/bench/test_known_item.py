"""The known-item benchmark's page parsing (no man pages or groff needed)."""

from __future__ import annotations

from pathlib import Path

from tests.bench.bench_known_item import page_markdown, page_name, parse_rendered, render_plain

RENDERED = """LS(1)                    User Commands                   LS(1)

NAME
       ls - list directory contents

SYNOPSIS
       ls [OPTION]... [FILE]...

DESCRIPTION
       List  information  about  the FILEs.

       -a, --all
              do not ignore entries starting with .

GNU coreutils 9.1          September 2022                  LS(1)
"""


def test_rendered_page_becomes_sections_without_its_name() -> None:
    page = parse_rendered("ls(1)", RENDERED)
    assert page is not None
    assert page.description == "list directory contents" and page.title == "ls(1)"
    assert [head for head, _ in page.sections] == ["Synopsis", "Description"]
    assert page.sections[1][1] == (
        "List information about the FILEs.\n\n-a, --all do not ignore entries starting with ."
    )
    text = page_markdown(page)
    assert "## Description" in text and "list directory contents" not in text


def test_plain_roff_stripper_keeps_name_and_sections() -> None:
    roff = ".TH LS 1\n.SH NAME\nls \\- list directory contents\n.SH DESCRIPTION\n.B ls\nlists.\n"
    page = parse_rendered("ls(1)", render_plain(roff))
    assert page is not None and page.description == "list directory contents"
    assert page.sections[0][0] == "Description"


def test_page_name() -> None:
    assert page_name(Path("/usr/share/man/man1/ls.1.gz")) == "ls(1)"
    assert page_name(Path("/usr/share/man/man8/ip-link.8.gz")) == "ip-link(8)"
