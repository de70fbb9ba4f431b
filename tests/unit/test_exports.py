"""Tables to XLSX and CSV: Chinese headers, real dates, widths, frozen headers, BOM, no formulas."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from openpyxl import load_workbook

from engine.exports import (
    Column,
    Table,
    commitment_tables,
    display_width,
    export_file,
    file_name,
    notes_table,
    sheet_title,
    to_csv,
    to_xlsx,
)
from engine.reports import COMMITMENTS

AT = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)  # 09:30 in Beijing
CASES = Table("案件清单", (Column("case_no", "案件编号"), Column("created_at", "收件时间", "datetime"),
                       Column("rate", "比率", "rate"), Column("note", "说明")),
              [{"case_no": "JH-2026-000001", "created_at": AT, "rate": 0.6667, "note": "=HYPERLINK(\"x\")"},
               {"case_no": "JH-2026-000002", "created_at": None, "rate": None, "note": "夫妻矛盾"}])
HEADER = {"period": {"from": "2026-03-01T00:00:00+08:00", "to": "2026-04-01T00:00:00+08:00",
                     "timezone": "Asia/Shanghai"},
          "org_units": [{"id": "town", "name": "和美镇"}], "process": None, "as_of": AT}


def test_a_workbook_has_a_sheet_per_table_with_a_frozen_bold_chinese_header():
    book = load_workbook(io.BytesIO(to_xlsx([CASES, Table("说明", (Column("item", "项目"),), [])])))
    assert book.sheetnames == ["案件清单", "说明"]
    sheet = book["案件清单"]
    assert [c.value for c in sheet[1]] == ["案件编号", "收件时间", "比率", "说明"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_times_are_beijing_dates_and_rates_are_percentages_in_the_workbook():
    sheet = load_workbook(io.BytesIO(to_xlsx([CASES])))["案件清单"]
    assert sheet["B2"].value == datetime(2026, 3, 2, 9, 30) and sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["C2"].value == 0.6667 and sheet["C2"].number_format == "0.00%"
    assert sheet["B3"].value is None


def test_columns_are_wide_enough_for_chinese_text():
    sheet = load_workbook(io.BytesIO(to_xlsx([CASES])))["案件清单"]
    assert sheet.column_dimensions["A"].width == len("JH-2026-000001") + 2
    assert sheet.column_dimensions["D"].width >= display_width("夫妻矛盾") + 2


def test_data_never_becomes_a_formula():
    sheet = load_workbook(io.BytesIO(to_xlsx([CASES])))["案件清单"]
    assert sheet["D2"].data_type == "s" and sheet["D2"].value.startswith("'=")
    rows = list(csv.reader(io.StringIO(to_csv([CASES]).decode("utf-8-sig"))))
    assert rows[1][3].startswith("'=")


def test_csv_has_a_bom_and_beijing_times():
    data = to_csv([CASES])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["案件编号", "收件时间", "比率", "说明"]
    assert rows[1][:3] == ["JH-2026-000001", "2026-03-02 09:30", "66.67%"]
    assert rows[2][:3] == ["JH-2026-000002", "", ""]


def test_several_tables_become_titled_csv_sections():
    text = to_csv([CASES, Table("满意度", (Column("label", "满意度"),), [{"label": "满意"}])]).decode("utf-8-sig")
    assert text.startswith("案件清单\r\n案件编号,") and text.endswith("\r\n\r\n满意度\r\n满意度\r\n满意\r\n")


def test_sheet_titles_are_cleaned_and_short():
    assert sheet_title("a/b:c?") == "a_b_c_" and len(sheet_title("长" * 40)) == 31


def test_wide_characters_count_double():
    assert display_width("ab") == 2 and display_width("东村") == 4


def commitments_data() -> dict:
    rows = [{"key": c.key, "label": c.label, "numerator": 1, "denominator": 2, "rate": 0.5,
             "on_time": {"numerator": 0, "denominator": 0, "rate": None}, "definition": c.definition}
            for c in COMMITMENTS]
    return {**HEADER, "commitments": rows}


def test_commitments_table_and_notes_carry_the_definitions():
    table = commitment_tables(commitments_data())[0]
    assert [r["label"] for r in table.rows] == ["有来必受", "有受必理", "有理必果", "有果必公"]
    notes = notes_table("commitments", commitments_data())
    texts = {r["item"]: r["text"] for r in notes.rows}
    assert texts["统计范围"] == "和美镇" and texts["有果必公"] == COMMITMENTS[3].definition
    book = load_workbook(io.BytesIO(export_file("commitments", commitments_data(), "xlsx")))
    assert book.sheetnames == ["四项承诺", "说明"]


def test_file_names_have_a_chinese_name_and_an_ascii_fallback():
    assert file_name("commitments", HEADER, "xlsx") == ("四项承诺_20260301-20260401.xlsx",
                                                        "jiahe-commitments-20260301-20260401.xlsx")
    overdue = {k: v for k, v in HEADER.items() if k != "period"}
    assert file_name("overdue", overdue, "csv") == ("督办清单_20260302.csv", "jiahe-overdue-20260302.csv")
