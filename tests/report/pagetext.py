"""The visible text of a rendered page, and the checks that it reads as prose and published figures."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# something.something_like_this: a metric or config key as code names it
RAW_KEY = re.compile(r"\b[A-Za-z0-9]+(?:\.[A-Za-z0-9_]+)*\.[A-Za-z0-9]*_[A-Za-z0-9_]+\b")
# a decimal fraction with 4+ digits in any language, or 3+ digits in the page's own decimal notation
LONG_DECIMAL = re.compile(r"\d[.,]\d{4,}")
DECIMAL_3 = {"en": re.compile(r"(?<![\d,.])\d+\.\d{3,}"), "nl": re.compile(r"(?<![\d,.])\d+,\d{3,}")}


class _Text(HTMLParser):
    """Visible text of a page: text nodes outside <style>/<script>/<title>, plus alt texts of images. Text inside
    an element marked data-verbatim (source notes quoted as their author wrote them) is kept apart."""

    VOID = {"img", "br", "meta", "link", "hr", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.verbatim: list[str] = []
        self._skip = 0
        self._stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._skip += 1
        if tag == "img":
            self.parts += [v for k, v in attrs if k == "alt" and v]
        if tag not in self.VOID:
            self._stack.append(any(k == "data-verbatim" for k, _ in attrs))

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._skip and data.strip():
            (self.verbatim if any(self._stack) else self.parts).append(data.strip())


def visible_text(html: str, verbatim: bool = False) -> list[str]:
    """The reader's text of a page (verbatim=True: only the quoted source notes)."""
    p = _Text()
    p.feed(html)
    return p.verbatim if verbatim else p.parts


def assert_readable(html: str, lang: str, name: str = "page") -> None:
    """No raw metric key and no unrounded number anywhere in the visible text of `html`."""
    for text in visible_text(html):
        assert not RAW_KEY.search(text), f"{name}: raw key in {text!r}"
        assert not LONG_DECIMAL.search(text), f"{name}: unrounded number in {text!r}"
        assert not DECIMAL_3[lang].search(text), f"{name}: unrounded number in {text!r}"
    # source notes are quoted as their author wrote them (in English, with the source's own figures); they still
    # must not show setting names as code
    for text in visible_text(html, verbatim=True):
        assert not RAW_KEY.search(text), f"{name}: raw key in source note {text!r}"
