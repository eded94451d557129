"""A workbook written straight as SpreadsheetML: the xlsx format's few parts, streamed.

Why not openpyxl or XlsxWriter: the export's ``saetninger`` sheet holds every sentence of
every compared document (about 35,000 rows and 800,000 cells at 98 kommuner). openpyxl
builds a Python object per cell and took 15-20 s for it; XlsxWriter's constant-memory mode
8 s; the XML written here takes about 1 s. The workbook needs little: text, numbers,
a bold frozen header, an autofilter, column widths, wrapped text, a percentage format
and Excel's quote prefix (a text cell that starts like a formula). The zip archive is
written here too (``zip_archive``): the sentence sheet's rows are written and deflated in
two processes, and zipfile takes no data deflated elsewhere. openpyxl and zipfile still
read the result back in the tests, so the format is checked by readers we did not write."""

from __future__ import annotations

import io
import math
import numbers
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast
from xml.sax.saxutils import escape, quoteattr

from .fileio import alongside

MAX_CELL_TEXT = 32_767  # Excel's limit on the characters of one cell
# Characters XML 1.0 cannot hold; a carriage return is kept as a character reference.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = {"\r": "&#13;"}
PERCENT_FORMAT_ID = 164


@dataclass(frozen=True)
class Sheet:
    """One sheet: its rows (the first is the header), column widths in characters, which
    columns wrap or hold shares, and which cells start like a formula (quote prefix)."""

    title: str
    rows: Sequence[Sequence[object]]
    widths: Sequence[float]
    wrap: frozenset[int] = frozenset()  # 0-based column numbers
    percent: frozenset[int] = frozenset()
    parts: tuple[Part, ...] = ()  # rows written already (``render_part``), after ``rows``

    def n_rows(self) -> int:
        return len(self.rows) + sum(part.rows for part in self.parts)


@dataclass(frozen=True)
class Part:
    """Rows of a sheet written as XML (``render_part``), numbered from where they go, and
    deflated where they were written (``packed``: the archive takes it as it is)."""

    xml: bytes
    rows: int
    packed: bytes


def deflated(data: bytes) -> bytes:
    """``data`` as a raw deflate stream that another may follow: it ends on a sync flush,
    without a final block (streams like this, each with its own window, one after another,
    and a last one finished, are one valid stream; the archive's members are made so)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _clean(value: str) -> str:
    """A text as a cell can hold it: without the characters XML cannot hold, cut at Excel's limit."""
    value = _ILLEGAL.sub("", value)
    return value if len(value) <= MAX_CELL_TEXT else value[: MAX_CELL_TEXT - 1] + "…"


# The cell formats: every combination of bold, percent, wrap and quote prefix, each at a
# fixed number (0 is the default), so that a part of a sheet written in another process
# (``render_part``) uses the same numbers as this one.
_STYLES = [(bold, percent, wrap, quote) for bold in (False, True) for percent in (False, True) for wrap in (False, True) for quote in (False, True)]


def _style(bold: bool = False, percent: bool = False, wrap: bool = False, quote: bool = False) -> int:
    return _STYLES.index((bold, percent, wrap, quote))


def _styles_xml() -> str:
    xfs = []
    for bold, percent, wrap, quote in _STYLES:
        attrs = f'numFmtId="{PERCENT_FORMAT_ID if percent else 0}" fontId="{1 if bold else 0}" fillId="0" borderId="0" xfId="0"'
        attrs += ' applyNumberFormat="1"' * percent + ' applyFont="1"' * bold + ' quotePrefix="1"' * quote
        if wrap:
            xfs.append(f'<xf {attrs} applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>')
        else:
            xfs.append(f"<xf {attrs}/>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="1"><numFmt numFmtId="{PERCENT_FORMAT_ID}" formatCode="0.0%"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


_NEEDS_ESCAPE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text_cell(ref: str, text: str, s: str) -> str:
    if _NEEDS_ESCAPE.search(text) or len(text) > MAX_CELL_TEXT:
        text = _clean(text)  # what is kept decides whether its ends are spaces
        body = escape(text, _ESCAPES)
    else:
        body = text
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t{space}>{body}</t></is></c>'


def _row_xml(number: int, row: Sequence[object], letters: list[str], styles: list[str], quoted: list[str], formula_start: tuple[str, ...]) -> str:
    """One row's XML, cell by cell: numbers as values, text inline, nothing for an empty cell."""
    n = str(number)
    cells = []
    for i, value in enumerate(row):
        if isinstance(value, str):
            cells.append(_text_cell(letters[i] + n, value, quoted[i] if value.startswith(formula_start) else styles[i]))
        elif isinstance(value, bool):
            cells.append(f'<c r="{letters[i]}{n}" t="b"{styles[i]}><v>{int(value)}</v></c>')
        elif isinstance(value, int):
            cells.append(f'<c r="{letters[i]}{n}"{styles[i]}><v>{value}</v></c>')
        elif isinstance(value, float):
            if math.isfinite(value):
                cells.append(f'<c r="{letters[i]}{n}"{styles[i]}><v>{value!r}</v></c>')
        elif isinstance(value, numbers.Integral):  # numpy's integers, say
            cells.append(f'<c r="{letters[i]}{n}"{styles[i]}><v>{int(value)}</v></c>')
        elif isinstance(value, numbers.Real):
            if math.isfinite(float(value)):
                cells.append(f'<c r="{letters[i]}{n}"{styles[i]}><v>{float(value)!r}</v></c>')
        elif value is not None:  # another type: its text
            cells.append(_text_cell(letters[i] + n, str(value), quoted[i] if str(value).startswith(formula_start) else styles[i]))
    return f'<row r="{n}">{"".join(cells)}</row>'


class _Rows:
    """Rows written through a template per sequence of cell types (a table's rows mostly
    share one): the row number and the values go into the template in one ``format``,
    instead of a string built per cell; the sentence sheet has a million cells. A row
    the template cannot write (text that starts like a formula, a number that is not
    finite, another type) is written cell by cell."""

    def __init__(self, letters: list[str], styles: list[str], quoted: list[str], formula_start: tuple[str, ...]):
        self.letters, self.styles, self.quoted, self.formula_start = letters, styles, quoted, formula_start
        self.templates: dict[tuple[type, ...], tuple[str, list[int], list[int]] | None] = {}

    def _template(self, kinds: tuple[type, ...]) -> tuple[str, list[int], list[int]] | None:
        # Cells without a reference (``r``) follow one another from column A, so an empty
        # value is an empty cell, not a gap: a shorter template, one number per row.
        parts, texts, floats = ['<row r="{0}">'], [], []
        for i, kind in enumerate(kinds):
            s = self.styles[i]
            if kind is str:
                parts.append(f'<c t="inlineStr"{s}><is><t xml:space="preserve">{{{i + 1}}}</t></is></c>')
                texts.append(i)
            elif kind is int or kind is float:
                parts.append(f"<c{s}><v>{{{i + 1}}}</v></c>")
                if kind is float:
                    floats.append(i)
            elif kind is type(None):
                parts.append(f"<c{s}/>")
            else:
                return None
        parts.append("</row>")
        return "".join(parts), texts, floats

    def xml(self, number: int, row: Sequence[object]) -> str:
        kinds = tuple(map(type, row))
        if kinds not in self.templates:
            self.templates[kinds] = self._template(kinds)
        template = self.templates[kinds]
        if template is not None:
            text, texts, floats = template
            # one test over the row's text cells joined ("\n" is written as it is): most rows
            # need no escaping, no quote prefix and no cut
            joined = "\n" + "\n".join([cast(str, row[i]) for i in texts])
            if (not floats or math.isfinite(sum([cast(float, row[i]) for i in floats]))) and not _formula_after_newline(joined, self.formula_start):
                if not _NEEDS_ESCAPE.search(joined) and len(joined) <= MAX_CELL_TEXT:
                    return text.format(number, *row)
                values = list(row)
                for i in texts:
                    value = cast(str, values[i])
                    if _NEEDS_ESCAPE.search(value) or len(value) > MAX_CELL_TEXT:
                        values[i] = escape(_clean(value), _ESCAPES)
                return text.format(number, *values)
        return _row_xml(number, row, self.letters, self.styles, self.quoted, self.formula_start)


def _formula_after_newline(joined: str, formula_start: tuple[str, ...]) -> bool:
    """Whether a cell of ``joined`` (each cell after a "\n") starts like a formula."""
    return any("\n" + start in joined for start in formula_start)


def _cell_styles(n_cols: int, wrap: frozenset[int], percent: frozenset[int]) -> tuple[list[str], list[str]]:
    """The style attribute of each column's body cells, without and with the quote prefix."""

    def attr(index: int) -> str:
        return f' s="{index}"' if index else ""

    body = [attr(_style(percent=i in percent, wrap=i in wrap)) for i in range(n_cols)]
    quoted = [attr(_style(percent=i in percent, wrap=i in wrap, quote=True)) for i in range(n_cols)]
    return body, quoted


def render_part(rows: Sequence[Sequence[object]], first_number: int, n_cols: int, formula_start: tuple[str, ...],
                wrap: frozenset[int] = frozenset(), percent: frozenset[int] = frozenset()) -> Part:
    """Body rows of a sheet as XML, the first numbered ``first_number`` (the header is 1):
    a part written where its rows were read (in another process, say), for ``Sheet.parts``."""
    letters = [column_letter(i) for i in range(n_cols)]
    writer = _Rows(letters, *_cell_styles(n_cols, wrap, percent), formula_start)
    xml = "".join([writer.xml(first_number + i, row) for i, row in enumerate(rows)]).encode()
    return Part(xml, len(rows), deflated(xml))


def _sheet_xml(sheet: Sheet, selected: bool, formula_start: tuple[str, ...], split: bool = False) -> list[bytes | Part]:
    """The sheet's XML in pieces: its own rows' (in two processes when long and ``split``)
    and the parts written already."""
    n_cols = max((len(r) for r in sheet.rows), default=0)
    letters = [column_letter(i) for i in range(n_cols)]
    header = [f' s="{_style(bold=True)}"'] * n_cols
    body, quoted = _cell_styles(n_cols, sheet.wrap, sheet.percent)
    writer = _Rows(letters, body, quoted, formula_start)
    first = _row_xml(1, sheet.rows[0], letters, header, quoted, formula_start).encode() if sheet.rows else b""
    # a sheet with parts written already was on both cores: its rows are not split
    rows: list[bytes | Part] = [*_body_rows(writer, sheet.rows, split and not sheet.parts), *sheet.parts]
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(sheet.widths))
    view = ('<sheetViews><sheetView workbookViewId="0"' + (' tabSelected="1"' if selected else "") + ">"
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>')
    last = f"{letters[-1]}{max(1, sheet.n_rows())}" if letters else ""
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="A1:{last}"/>' if last else "")
        + view
        + '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )
    tail = "</sheetData>" + (f'<autoFilter ref="A1:{last}"/>' if last else "") + "</worksheet>"
    return [head.encode() + first, *rows, tail.encode()]


SPLIT_ROWS = 20_000  # a sheet this long is written in two halves at once, the second in a forked process


def _render(writer: _Rows, rows: Sequence[Sequence[object]], start: int, stop: int) -> bytes:
    """Rows ``start`` .. ``stop`` - 1 of a sheet (row 0 is the header, written apart) as XML."""
    return "".join([writer.xml(number + 1, rows[number]) for number in range(start, stop)]).encode()


def _body_rows(writer: _Rows, rows: Sequence[Sequence[object]], split: bool) -> list[bytes]:
    """The XML of every row after the header. A long sheet (the sentence sheet: a million
    cells) is written on both cores: a forked process writes the second half while this one
    writes the first (``fileio.alongside``)."""
    n = len(rows)
    if n - 1 < SPLIT_ROWS or not split:
        return [_render(writer, rows, 1, n)]
    middle = (n + 1) // 2
    first, second = alongside(lambda: _render(writer, rows, middle, n), lambda: _render(writer, rows, 1, middle))
    return [first, second if second is not None else _render(writer, rows, middle, n)]


def filter_range(sheet: Sheet) -> str | None:
    n_cols = max((len(r) for r in sheet.rows), default=0)
    return f"$A$1:${column_letter(n_cols - 1)}${max(1, sheet.n_rows())}" if n_cols else None


def workbook_bytes(sheets: Sequence[Sheet], formula_start: tuple[str, ...], split: bool = False) -> bytes:
    """The xlsx file of these sheets (titles unique, at most 31 characters, no []:*?/\\).
    A text cell that starts with one of ``formula_start`` gets Excel's quote prefix. With
    ``split`` (two cores or more), a sheet longer than ``SPLIT_ROWS`` is written in two
    halves at once."""
    sheet_xml = [_sheet_xml(s, i == 0, formula_start, split) for i, s in enumerate(sheets)]
    names = "".join(f'<sheet name={quoteattr(s.title)} sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, s in enumerate(sheets))
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(chr(39) + s.title.replace(chr(39), chr(39) * 2) + chr(39))}!{filter_range(s)}</definedName>"
        for i, s in enumerate(sheets) if filter_range(s)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{names}</sheets>'
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + "</workbook>"
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook_rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
    workbook_rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{rel}/styles" Target="styles.xml"/>'
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{main}.worksheet+xml"/>' for i in range(len(sheets)))
        + "</Types>"
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    members: list[tuple[str, list[bytes | Part]]] = [
        ("[Content_Types].xml", [types.encode()]),
        ("_rels/.rels", [package_rels.encode()]),
        ("xl/workbook.xml", [workbook.encode()]),
        ("xl/_rels/workbook.xml.rels", [('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                         f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{workbook_rels}</Relationships>').encode()]),
        ("xl/styles.xml", [_styles_xml().encode()]),
        *((f"xl/worksheets/sheet{i + 1}.xml", xml) for i, xml in enumerate(sheet_xml)),
    ]
    return zip_archive(members)


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_DOS_DATE = 1 << 5 | 1  # 1980-01-01, the earliest a zip can say: the same workbook, the same bytes


def zip_archive(members: Sequence[tuple[str, Sequence[bytes | Part]]]) -> bytes:
    """A zip archive of these members (name, pieces), each deflated: a piece of bytes
    here, a ``Part`` as the process that wrote it deflated it. Written here because
    zipfile takes no data deflated elsewhere (the sentence sheet's half written in a
    forked process is deflated there too, on the other core)."""
    out, central = io.BytesIO(), []
    for name, pieces in members:
        crc, size = 0, 0
        packed: list[bytes] = []
        pending: list[bytes] = []
        for piece in pieces:
            raw = piece.xml if isinstance(piece, Part) else piece
            crc, size = zlib.crc32(raw, crc), size + len(raw)
            if isinstance(piece, Part):
                packed += [deflated(b"".join(pending)), piece.packed] if pending else [piece.packed]
                pending = []
            else:
                pending.append(piece)
        last = zlib.compressobj(1, zlib.DEFLATED, -15)
        packed.append(last.compress(b"".join(pending)) + last.flush())  # the final block
        data, encoded = b"".join(packed), name.encode("ascii")
        if max(size, len(data), out.tell()) >= 2**32:
            raise ValueError(f"{name}: too large for a zip archive without its 64-bit extension")
        offset = out.tell()
        out.write(_LOCAL.pack(0x04034B50, 20, 0, 8, 0, _DOS_DATE, crc, len(data), size, len(encoded), 0) + encoded)
        out.write(data)
        central.append(_CENTRAL.pack(0x02014B50, 20, 20, 0, 8, 0, _DOS_DATE, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory + _END.pack(0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0))
    return out.getvalue()
