"""Diagram files as text. Every BPMN and DMN file is turned into text here, once, whoever
reads it (lint, deploy from disk or upload, scenario runs, the demo), so that all of them see
the same text or refuse the file for the same reason.

    text = diagram_text(path.read_bytes())   # raises UnreadableDiagram

The encoding is the one the file states, as XML does it: a byte order mark, else the XML
declaration's `encoding`, else UTF-8. The text that comes back has no byte order mark, `\\n`
line ends (what every XML parser makes of `\\r\\n` and `\\r`) and, when the file declared
another encoding, a declaration that says UTF-8: it is stored and parsed as UTF-8 from then on.
A file in UTF-8 with `\\n` line ends comes back unchanged, so its content hash stays the same.

BPMN and DMN never need a DTD: a DOCTYPE, an entity declaration or XInclude is refused before
any XML parser sees the file.
"""
from __future__ import annotations

import codecs
import re

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_FAMILIES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}
# Names XML uses that Python does not know, and Python codecs that are not file encodings.
_ALIASES = {"ucs-2": "utf-16", "ucs2": "utf-16", "iso-10646-ucs-2": "utf-16",
            "ucs-4": "utf-32", "ucs4": "utf-32", "iso-10646-ucs-4": "utf-32"}
_NOT_FILE_ENCODINGS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-7",
                       "mbcs", "oem"}

_DECLARATION = re.compile(r"<\?xml\s[^>]*?\?>")
_ENCODING = re.compile(r"""(\sencoding\s*=\s*)(["'])([^"']*)\2""")
_FORBIDDEN = (
    (re.compile(r"<!DOCTYPE", re.IGNORECASE), "a DOCTYPE declaration"),
    (re.compile(r"<!ENTITY", re.IGNORECASE), "an entity declaration"),
    (re.compile(r"http://www\.w3\.org/200[13]/XInclude"), "XInclude"),
)


class UnreadableDiagram(ValueError):
    """Why a diagram file cannot be used, and where (1-based line, when known)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class EncodingMismatch(UnreadableDiagram):
    """The bytes are not text in the encoding the file states (or no known encoding at all)."""


class ForbiddenMarkup(UnreadableDiagram):
    """A DOCTYPE, an entity declaration or XInclude."""


def diagram_text(content: bytes | str | None) -> str:
    """The file's text as described above; raises EncodingMismatch or ForbiddenMarkup."""
    if content is None:
        return ""
    text = content if isinstance(content, str) else _decode(bytes(content))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _refuse_forbidden(text)
    return _declared_utf8(text)


# -- decoding -----------------------------------------------------------------------------------

def _decode(content: bytes) -> str:
    marked, skip = _byte_order_mark(content)
    layout = marked or _layout(content)
    if layout == "8-bit" and not content.lstrip()[:1] == b"<":
        # Not XML in any encoding that writes `<` as 0x3C: the XML parser says what it is.
        return content.decode("utf-8", errors="replace")
    codec = _codec(marked, layout, _declared_encoding(content[skip:], layout))
    try:
        text = content[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        line = content[skip:skip + exc.start].decode(codec, errors="replace").count("\n") + 1
        raise EncodingMismatch(_not_in(codec, _declared_encoding(content[skip:], layout), marked), line) from None
    if marked and not text.lstrip()[:1] == "<":
        raise EncodingMismatch(f"the file starts with a {_FAMILIES[_family(codec)]} byte order mark but what "
                               "follows is not XML in that encoding; save the file as UTF-8", 1)
    return text


def _byte_order_mark(content: bytes) -> tuple[str | None, int]:
    for mark, codec in _BOMS:
        if content.startswith(mark):
            return codec, len(mark)
    return None, 0


def _layout(content: bytes) -> str:
    """How the first character is laid out in bytes (XML 1.0, appendix F): where the NULs of
    a `<` in UTF-16 or UTF-32 are. Anything else is an 8-bit encoding that writes `<` as 0x3C."""
    head = content[:4]
    if head[:4] == b"\x00\x00\x00<":
        return "utf-32-be"
    if head[:4] == b"<\x00\x00\x00":
        return "utf-32-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    if head[:2] == b"<\x00":
        return "utf-16-le"
    return "8-bit"


def _declared_encoding(content: bytes, layout: str) -> str | None:
    head = content[:1024].decode("latin-1" if layout == "8-bit" else layout, errors="replace")
    declaration = _DECLARATION.match(head)
    if declaration is None:
        return None
    encoding = _ENCODING.search(declaration.group(0))
    return encoding.group(3).strip() if encoding else None


def _codec(marked: str | None, layout: str, declared: str | None) -> str:
    if layout != "8-bit":  # a byte order mark, or NULs that only UTF-16 and UTF-32 have
        if declared is not None and _family(declared) != _family(layout):
            family = _FAMILIES[_family(layout)]
            how = f"starts with a {family} byte order mark" if marked else f"is laid out as {family}"
            raise EncodingMismatch(f"the file {how} but its XML declaration says encoding=\"{declared}\"; "
                                   "save it again in one encoding (UTF-8 is best)", 1)
        return layout
    if declared is None:
        return "utf-8"
    codec = _known_codec(declared)
    if _family(codec) in ("utf-16", "utf-32"):
        raise EncodingMismatch(f"the XML declaration says encoding=\"{declared}\" but the file is not "
                               f"{_FAMILIES[_family(codec)]}; save it again in one encoding (UTF-8 is best)", 1)
    return codec


def _known_codec(declared: str) -> str:
    name = _ALIASES.get(declared.lower(), declared)
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or info.name in _NOT_FILE_ENCODINGS or not getattr(info, "_is_text_encoding", True):
        raise EncodingMismatch(f"the XML declaration names encoding \"{declared}\", which is not a known text "
                               "encoding; save the file as UTF-8", 1)
    return info.name


def _family(codec: str) -> str:
    name = _ALIASES.get(codec.lower(), codec.lower()).replace("_", "-")
    for family in ("utf-16", "utf-32"):
        if name.startswith(family) or name.startswith(family.replace("-", "")):
            return family
    return "utf-8" if name in ("utf-8", "utf8", "utf-8-sig") else name


def _not_in(codec: str, declared: str | None, marked: str | None) -> str:
    if declared is None and marked is None:
        return ("not UTF-8 text, and no XML declaration names another encoding; save the file as UTF-8 "
                "(or declare its encoding, e.g. <?xml version=\"1.0\" encoding=\"GB18030\"?>)")
    stated = f'encoding="{declared}"' if declared else f"its {_FAMILIES[_family(codec)]} byte order mark"
    return f"the bytes are not {codec.upper()} text, as {stated} says; save the file again in that encoding or as UTF-8"


# -- what the text may hold --------------------------------------------------------------------

def _refuse_forbidden(text: str) -> None:
    for pattern, what in _FORBIDDEN:
        found = pattern.search(text)
        if found:
            line = text.count("\n", 0, found.start()) + 1
            raise ForbiddenMarkup(f"{what} is not allowed in BPMN or DMN files: they never need one, and it "
                                  "would let the file read other files or expand without bound; remove it", line)


def _declared_utf8(text: str) -> str:
    """The text with its XML declaration's encoding (if any, and not UTF-8) set to UTF-8:
    what it is from now on. Only the attribute's value changes, so lines stay where they were."""
    declaration = _DECLARATION.match(text)
    if declaration is None:
        return text
    encoding = _ENCODING.search(declaration.group(0))
    if encoding is None or _family(encoding.group(3).strip()) == "utf-8":
        return text
    start, end = declaration.start() + encoding.start(3), declaration.start() + encoding.end(3)
    return text[:start] + "UTF-8" + text[end:]
