"""Reading an uploaded spreadsheet (.xlsx or .csv in any common encoding and delimiter) into rows of text."""
import csv
import io
import zipfile
from datetime import date, datetime, time

from flask_babel import gettext as _
from openpyxl import load_workbook

from app.errors import Invalid

MAX_ROWS = 50_000
DELIMITERS = ",;\t|"
# Excel's "Unicode text" is UTF-16 with a byte order mark; the rest is UTF-8 (with or without
# one) or, from older Windows programs, cp1252. Latin-1 decodes any byte, so it comes last.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def _refuse(message: str) -> Invalid:
    return Invalid(message, fields={"file": message})


def read_table(filename: str, content: bytes) -> tuple[list[str], list[list[str]]]:
    """(headers, data rows) of the file's first sheet; every cell as text, trailing blank rows dropped."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt", ".tsv")):
        rows = _csv_rows(content)
    elif name.endswith(".xls"):
        raise _refuse(_("This is the old Excel format. Save the file as .xlsx (Excel workbook) or .csv and "
                        "upload it again."))
    else:
        raise _refuse(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    rows = [row for row in rows if any(cell for cell in row)]
    if len(rows) < 2:
        raise _refuse(_("This file has no rows under its header row."))
    if len(rows) - 1 > MAX_ROWS:
        raise _refuse(_("This file has more than %(n)d rows. Split it into smaller files.", n=MAX_ROWS))
    headers = [cell.strip() for cell in rows[0]]
    width = len(headers)
    while width and not headers[width - 1] and not any(len(r) >= width and r[width - 1] for r in rows[1:]):
        width -= 1  # spreadsheets often carry empty columns at the right
    headers = [header or _("Column %(n)d", n=i + 1) for i, header in enumerate(headers[:width])]
    return headers, [(row + [""] * width)[:width] for row in rows[1:]]


def _cell_text(value) -> str:
    """A cell as a person would read it: 7700900123 not 7700900123.0, dates as 2026-01-31."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time.min else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _refuse(_("This file could not be read as an Excel workbook. Open it in your spreadsheet program "
                        "and save it again as .xlsx.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def decode(content: bytes) -> str:
    """The text of a CSV file whatever common encoding it was saved in."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def guess_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the sniffer's guess, else the one most frequent in its first line."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=first.count)


def _csv_rows(content: bytes) -> list[list[str]]:
    text = decode(content)
    if not text.strip():
        return []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text))
    try:
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error:
        raise _refuse(_("This CSV file is damaged (a quote is never closed). Save it again from your spreadsheet "
                        "program and upload it.")) from None
