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
    """Visible text of a page: text nodes outside <style>/<script>/<title>, plus alt texts of images."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._skip += 1
        if tag == "img":
            self.parts += [v for k, v in attrs if k == "alt" and v]

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    p = _Text()
    p.feed(html)
    return p.parts


def assert_readable(html: str, lang: str, name: str = "page") -> None:
    """No raw metric key and no unrounded number anywhere in the visible text of `html`."""
    for text in visible_text(html):
        assert not RAW_KEY.search(text), f"{name}: raw key in {text!r}"
        assert not LONG_DECIMAL.search(text), f"{name}: unrounded number in {text!r}"
        assert not DECIMAL_3[lang].search(text), f"{name}: unrounded number in {text!r}"
