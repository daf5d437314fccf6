"""Spreadsheets for import tests and the import benchmark, generated with openpyxl."""
import io

from openpyxl import Workbook

HEADERS = ["Full name", "E-mail", "Mobile", "Company", "Job title", "Notes"]


def people_rows(count: int, *, bad_emails: int = 0, empty_names: int = 0, duplicates: int = 0) -> list[list]:
    """`count` rows of people with distinct emails and phones; the first rows of each bad kind are spoiled.

    Bad rows come in this order after row 1: bad emails, then empty names, then copies of earlier rows'
    email (duplicates within the file). Each kind replaces good rows, so `count` stays the total.
    """
    rows = [[f"Person {n:05d} Hen", f"person{n:05d}@farm.example", f"+44 7700 9{n:05d}",
             f"Farm {n % 40}", "Buyer", f"Row {n}"] for n in range(count)]
    spoiled = 1
    for _ in range(bad_emails):
        rows[spoiled][1] = f"person{spoiled:05d}-at-farm.example"
        spoiled += 1
    for _ in range(empty_names):
        rows[spoiled][0] = ""
        spoiled += 1
    for n in range(duplicates):
        rows[spoiled][1] = rows[-(n + 1)][1]  # the same email as a row further down: that later row is the bad one
        rows[spoiled][2] = f"+44 7700 8{spoiled:05d}"
        spoiled += 1
    return rows


def workbook_bytes(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    """An .xlsx with one sheet: the header row, then `rows`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("People")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
