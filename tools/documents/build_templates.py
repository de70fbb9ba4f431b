"""Write the Word templates of processes/documents/ (*.docx) as Chinese official documents.

    .venv/bin/python tools/documents/build_templates.py     # rewrites processes/documents/*.docx

The .docx files are the source of truth once written: an office opens one in Word, changes
the wording, keeps the Jinja tags ({{ ... }}, {%p for ... %}) and saves it; `jiahe lint`
checks what it reads. This script is how their first versions were laid out: A4 with the
margins of GB/T 9704 (党政机关公文格式), a centred title in 宋体 bold, the 编号 line, the parties,
the numbered sections in 黑体, the body in 仿宋, and the signature and seal blocks. Running it
again gives the same bytes (the zip entries and core properties carry a fixed date).

Context names the tags may use: docs/designer-guide.md, "Documents (文书模板)".
"""
from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from engine.documents.rendering import stable_zip  # noqa: E402

OUT = ROOT / "processes" / "documents"
BUILT = datetime(2026, 1, 1)  # the date the files carry, so a rebuild changes nothing
TITLE_FONT, HEADING_FONT, BODY_FONT, LATIN_FONT = "宋体", "黑体", "仿宋", "Times New Roman"
BODY_SIZE, TITLE_SIZE = Pt(14), Pt(22)  # 四号 body, 二号 title
LINE = Pt(28)
NONE = Pt(0)
BLANK = "＿＿＿＿＿＿＿＿＿＿"


class Sheet:
    """One document being laid out."""

    def __init__(self, title: str):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        normal.font.size = BODY_SIZE
        core = self.doc.core_properties
        core.title, core.author, core.last_modified_by = title, "家和 Jiahe", "家和 Jiahe"
        core.created = core.modified = BUILT
        core.revision, core.comments, core.keywords, core.subject = 1, "", "", ""
        self.title(title)

    def title(self, text: str) -> None:
        self.para(text, font=TITLE_FONT, size=TITLE_SIZE, bold=True, align="center", indent=False, after=Pt(14))

    def number_line(self) -> None:
        self.para("编号：{{ case.case_no }}", align="right", indent=False, after=Pt(10))

    def heading(self, text: str) -> None:
        self.para(text, font=HEADING_FONT, indent=True, before=Pt(6))

    def para(self, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False, align: str = "justify",
             indent: bool = True, before=NONE, after=NONE) -> None:
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                         "left": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        fmt.first_line_indent = Pt(28) if indent else None
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE if size == BODY_SIZE else Pt(36)
        fmt.space_before, fmt.space_after = before, after
        run = paragraph.add_run(text)  # one run, so docxtpl sees each tag whole
        _fonts(run._element.get_or_add_rPr(), font)
        run.font.size, run.font.bold = size, bold

    def tag(self, statement: str) -> None:
        """A paragraph-level Jinja tag ({%p for ... %}): docxtpl drops its paragraph."""
        self.para("{%p " + statement + " %}", indent=False)

    def lines(self, expression: str) -> None:
        """A field that may run over several lines (docxtpl turns its newlines into breaks)."""
        self.para("{{ " + expression + " }}")

    def seal(self, *lines: str) -> None:
        self.para("", indent=False)
        for line in lines:
            self.para(line, align="right", indent=False)

    def save(self, key: str) -> Path:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        path = OUT / f"{key}.docx"
        path.write_bytes(stable_zip(buffer.getvalue(), BUILT))
        return path


def _fonts(rpr, east_asian: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


# The parties as 人民调解法第29条 lists them: name, sex, age, ethnicity, occupation; never an
# address or a phone (DOMAIN.md, privacy: the other party reads this).
PARTY = ("{{ p.role }}：{{ p.name }}{% if p.sex %}，{{ p.sex }}{% endif %}{% if p.age %}，{{ p.age }}岁{% endif %}"
         "{% if p.ethnicity %}，{{ p.ethnicity }}{% endif %}{% if p.occupation %}，职业：{{ p.occupation }}{% endif %}。")
SIGNING_PARTIES = 'p in parties if p.role in ("applicant", "respondent", "other")'


def mediation_agreement() -> Path:
    sheet = Sheet("人民调解协议书")
    sheet.number_line()
    sheet.heading("一、当事人基本情况")
    sheet.tag(f"for {SIGNING_PARTIES}")
    sheet.para(PARTY)
    sheet.tag("endfor")
    sheet.heading("二、纠纷主要事实、争议事项以及各方当事人的责任")
    sheet.lines("dispute_facts")
    sheet.heading("三、经调解，各方当事人自愿达成如下协议")
    sheet.lines("agreement_terms")
    sheet.heading("四、履行协议的方式、期限")
    sheet.lines("performance")
    sheet.heading("五、其他事项")
    sheet.para("本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。"
               "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"
               "（《中华人民共和国人民调解法》第三十一条）。")
    sheet.para("当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认（《中华人民共和国人民调解法》第三十三条）。")
    sheet.para("本协议一式{{ ((parties|selectattr('role', 'in', ['applicant', 'respondent', 'other'])|list|length) + 1)"
               "|cn_number }}份，当事人各执一份，人民调解委员会留存一份。")
    sheet.para("", indent=False)
    sheet.para("当事人（签名、盖章或者按指印）：", indent=False)
    sheet.tag(f"for {SIGNING_PARTIES}")
    sheet.para("{{ p.name }}：" + BLANK + "　　　　年　　月　　日", indent=False)
    sheet.tag("endfor")
    sheet.para("人民调解员（签名）：" + BLANK, indent=False, before=Pt(8))
    sheet.para("记录人（签名）：" + BLANK, indent=False)
    sheet.seal("{{ office }}人民调解委员会（印章）", "{{ today_cn }}")
    return sheet.save("mediation_agreement")


def petition_decision() -> Path:
    sheet = Sheet("信访事项处理意见书")
    sheet.number_line()
    sheet.para("信访人：{{ petitioner.name }}{% if petitioner.sex %}，{{ petitioner.sex }}{% endif %}"
               "{% if petitioner.age %}，{{ petitioner.age }}岁{% endif %}", indent=False)
    sheet.para("你于{{ received_at|cn_date if received_at else case.created_on }}提出的信访事项已收悉。"
               "本机关依照《信访工作条例》第三十二条的规定进行了调查核实，现将处理意见告知如下：")
    sheet.heading("一、信访请求")
    sheet.lines("petition_request")
    sheet.heading("二、查明的事实")
    sheet.lines("facts")
    sheet.heading("三、处理意见")
    sheet.para("{{ decision_type }}。")
    sheet.lines("decision")
    sheet.heading("四、法律、政策依据")
    sheet.lines("legal_basis")
    sheet.heading("五、复查权利告知")
    sheet.para("信访人对本处理意见不服的，可以自收到本意见书之日起30日内请求原办理机关的上一级机关复查"
               "（《信访工作条例》第三十五条）。")
    sheet.seal("{{ issuing_organ or office }}（印章）", "{{ decided_on|cn_date if decided_on else today_cn }}")
    return sheet.save("petition_decision")


def protection_order_application() -> Path:
    sheet = Sheet("人身安全保护令申请书")
    sheet.tag('for p in parties if p.role == "applicant"')
    sheet.para("申请人：" + PARTY.removeprefix("{{ p.role }}："), indent=False)
    sheet.tag("endfor")
    # 住所 and contact are the applicant's to write by hand: the respondent may read this in court.
    sheet.para("住所（由申请人填写）：" + BLANK + BLANK, indent=False)
    sheet.para("联系方式（由申请人填写）：" + BLANK, indent=False)
    sheet.tag('for p in parties if p.role == "respondent"')
    sheet.para("被申请人：" + PARTY.removeprefix("{{ p.role }}："), indent=False)
    sheet.tag("endfor")
    sheet.para("被申请人住所：" + BLANK + BLANK, indent=False)
    sheet.para("{% if applied_by and applied_by != \"victim\" %}代为申请人：{{ office }}妇女联合会"
               "（{{ behalf_reason }}，依照《中华人民共和国反家庭暴力法》第二十三条第二款代为申请）{% endif %}",
               indent=False)
    sheet.heading("申请事项")
    sheet.para("请求人民法院依法作出人身安全保护令，采取以下措施："
               "{% for m in requested_measures %}{{ loop.index|cn_number }}、{{ m }}；{% endfor %}")
    sheet.para("{% if urgent %}情况紧急，请求人民法院在二十四小时内作出裁定（《中华人民共和国反家庭暴力法》第二十八条）。"
               "{% endif %}")
    sheet.heading("事实与理由")
    sheet.lines("summary")
    sheet.para("申请人遭受家庭暴力或者面临家庭暴力的现实危险，依照《中华人民共和国反家庭暴力法》第二十三条、"
               "第二十七条的规定，特向贵院申请人身安全保护令。")
    sheet.heading("证据")
    sheet.lines("evidence")
    sheet.para("此致", indent=True, before=Pt(8))
    sheet.para("{{ court }}", indent=False)
    sheet.seal("申请人（签名或按指印）：" + BLANK,
               "{% if applied_by and applied_by != \"victim\" %}代为申请人（盖章）：{{ office }}妇女联合会{% endif %}",
               "{{ today_cn }}")
    return sheet.save("protection_order_application")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for build in (mediation_agreement, petition_decision, protection_order_application):
        print("written", build().relative_to(ROOT))
