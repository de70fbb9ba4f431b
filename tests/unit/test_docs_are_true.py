"""The guides stay true of the code: the commands, environment variables and lint codes they
name exist, every lint code and every variable the product reads is documented, the scenario
shown in full is the file it claims to be, and every relative link leads to a file of the
repository. Cheap checks: nothing here starts a server or touches a database."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from api.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTS = [ROOT / "README.md", *DOCS]
DESIGNER_GUIDE = ROOT / "docs" / "designer-guide.md"
OPERATOR_GUIDE = ROOT / "docs" / "operator-guide.md"
FULL_EXAMPLE = ROOT / "tests" / "processes" / "dispute_case" / "escalation_by_missed_deadline.yaml"

ENV_NAME = re.compile(r"\b(DATABASE_URL|JIAHE_[A-Z0-9_]*[A-Z0-9])\b")
FENCE = re.compile(r"^\s*```")
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
COMMAND_WORD = re.compile(r"[a-z][a-z-]*(\|[a-z][a-z-]*)*")
SHELL_STOP = {"#", "&", "&&", "|", "||", ";", ">", "2>&1"}
# Who reports a lint finding, and at which argument its code is: error("code", ...),
# doc.finding(element, "code", ...), Source(element, text, mode, "code", ...), ...
CODE_ARGUMENT = {"error": 0, "warning": 0, "severity": 0, "finding": 1, "Source": 3, "_texts": 3}
LINT_SOURCES = [*sorted((ROOT / "engine" / "lint").glob("*.py")), ROOT / "engine" / "definitions" / "uploads.py"]


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# -- what the documents say ---------------------------------------------------------------------

def code_snippets(text: str) -> list[str]:
    """The lines of fenced blocks and the inline code spans elsewhere."""
    snippets, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif fenced:
            snippets.append(line)
        else:
            snippets += INLINE_CODE.findall(line)
    return snippets


def jiahe_invocations(snippet: str) -> list[list[str]]:
    """The words after each `jiahe` (or `.venv/bin/jiahe`) of a snippet, up to a shell operator."""
    words = snippet.split()
    found = []
    for i, word in enumerate(words):
        if word == "jiahe" or word.endswith("/jiahe"):
            rest = []
            for following in words[i + 1:]:
                if following in SHELL_STOP or following.startswith("#"):
                    break
                rest.append(following.strip("[]()`'\","))
            found.append([w for w in rest if w])
    return found


def lint_table_codes(text: str) -> set[str]:
    """The codes in the first column of the table under the heading that names lint findings."""
    section = re.search(r"^##+ [^\n]*[Ll]int findings[^\n]*\n(.*?)(?=^## )", text + "\n## end", re.S | re.M)
    assert section, "the designer's guide has a section about lint findings with a table of codes"
    return set(re.findall(r"^\| `([a-z0-9-]+)` \|", section.group(1), re.M))


# -- what the code has ------------------------------------------------------------------------------

def command_path_problems(words: list[str]) -> list[str]:
    """Why `jiahe WORDS` is not a command line of the CLI as written ([] when it is)."""
    command, path = cli, ["jiahe"]
    words = list(words)
    while words and isinstance(command, click.Group):
        word = words.pop(0)
        if word.startswith("-"):
            if not _has_option(command, word):
                return [f"{' '.join(path)} has no option {word}"]
            continue
        if not COMMAND_WORD.fullmatch(word):
            return []  # a placeholder (COMMAND, ...): nothing more to check
        names = word.split("|")
        unknown = [name for name in names if name not in command.commands]
        if unknown:
            return [f"{' '.join(path)} has no subcommand {', '.join(unknown)}"]
        if len(names) > 1:
            return []  # alternatives: each exists; their options are not told apart
        command, path = command.commands[word], path + [word]
    return [f"{' '.join(path)} has no option {word}" for word in words
            if word.startswith("--") and not _has_option(command, word)]


def _has_option(command: click.Command, word: str) -> bool:
    flag = word.split("=", 1)[0]
    options = {opt for param in command.get_params(click.Context(command)) for opt in param.opts}
    return flag in options


def lint_codes_in_code() -> set[str]:
    codes = set()
    for path in LINT_SOURCES:
        for node in ast.walk(ast.parse(_text(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = CODE_ARGUMENT.get(name)
            if position is not None and len(node.args) > position:
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.add(argument.value)
    return codes


def environment_variables_read_by_the_product() -> set[str]:
    """Every JIAHE_* or DATABASE_URL string literal of api/ and engine/."""
    names = set()
    for folder in ("api", "engine"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(_text(path))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and ENV_NAME.fullmatch(node.value):
                    names.add(node.value)
    return names


def source_text() -> str:
    """The code (and scripts, tests, web config) a variable could be read in; not the docs."""
    here = Path(__file__).resolve()
    files = [p for folder in ("api", "engine", "tests", "bench") for p in (ROOT / folder).rglob("*.py")
             if p.resolve() != here]
    files += [p for p in (ROOT / "scripts").iterdir() if p.is_file()]
    files += [ROOT / "web" / "vite.config.ts"]
    return "\n".join(_text(p) for p in files if p.is_file())


# -- the checks ---------------------------------------------------------------------------------------

def test_there_are_a_designers_and_an_operators_guide():
    assert DESIGNER_GUIDE.is_file() and OPERATOR_GUIDE.is_file()


@pytest.mark.parametrize("document", DOCUMENTS, ids=_relative)
def test_every_jiahe_command_a_document_names_exists_with_its_options(document):
    invocations = [words for snippet in code_snippets(_text(document)) for words in jiahe_invocations(snippet)]
    problems = sorted({p for words in invocations for p in command_path_problems(words)})
    assert problems == []


def test_the_guides_name_every_jiahe_command():
    named = {" ".join(words[:2]) for doc in DOCS for snippet in code_snippets(_text(doc))
             for words in jiahe_invocations(snippet)}
    every = {name if not isinstance(command, click.Group) else f"{name} {sub}"
             for name, command in cli.commands.items()
             for sub in (command.commands if isinstance(command, click.Group) else [None])}
    assert {c for c in every if not any(n == c or n.startswith(c + " ") for n in named)} == set()


@pytest.mark.parametrize("document", DOCUMENTS, ids=_relative)
def test_every_environment_variable_a_document_names_is_read_somewhere(document):
    code = source_text()
    assert sorted(name for name in set(ENV_NAME.findall(_text(document))) if name not in code) == []


def test_the_operators_guide_documents_every_variable_the_product_reads():
    documented = set(ENV_NAME.findall(_text(OPERATOR_GUIDE)))
    assert sorted(environment_variables_read_by_the_product() - documented) == []


def test_the_lint_codes_found_in_the_code_look_like_codes():
    codes = lint_codes_in_code()
    assert "lane-unmapped" in codes and "xsd" in codes  # the extractor sees both kinds of call
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in codes)


def test_the_designers_guide_lists_every_lint_code_and_no_other():
    listed, actual = lint_table_codes(_text(DESIGNER_GUIDE)), lint_codes_in_code()
    assert sorted(actual - listed) == [], "codes lint reports that the guide does not explain"
    assert sorted(listed - actual) == [], "codes the guide explains that lint never reports"


def test_the_scenario_shown_in_full_is_the_file_it_names():
    guide = _text(DESIGNER_GUIDE)
    assert _relative(FULL_EXAMPLE) in guide
    assert _text(FULL_EXAMPLE).strip() in guide


def heading_anchors(text: str) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them."""
    anchors = set()
    for line in text.splitlines():
        heading = re.match(r"^#{1,6} (.+)$", line)
        if heading:
            anchors.add(re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("document", DOCUMENTS, ids=_relative)
def test_every_relative_link_leads_to_a_file_of_the_repository_and_its_heading(document):
    broken = []
    for target in LINK.findall(_text(document)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # a web address
        file, _, anchor = target.partition("#")
        path = (document.parent / file).resolve() if file else document
        if not path.is_relative_to(ROOT) or not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in heading_anchors(_text(path)):
            broken.append(target)
    assert broken == []


def test_documents_leave_nothing_to_files_outside_the_repository():
    assert [_relative(d) for d in DOCUMENTS if "../shared" in _text(d)] == []
