#!/usr/bin/env python3
"""The house rules a reader relies on, checked over sim/, algorithms/ and models/:

- no source file over 600 lines;
- no function over 80 lines (from its signature to its closing brace);
- nothing in sim/scenario includes sim/data (the scenario layer sits below the data layer),
  and only sim/net includes ns-3 headers.

Usage: check_structure.py [ROOT]   (default: the repository holding this script)
Exit status 1 with one line per violation, 0 when the tree keeps the rules.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
DIRS = ("sim", "algorithms", "models")
SUFFIXES = (".h", ".cpp")
CONTAINER = re.compile(r"\b(namespace|class|struct|union|enum)\b[^;()]*$")
CONTROL = re.compile(r"^\s*(if|for|while|switch|catch|do|else|try)\b")


def strip_comments_and_strings(text: str) -> str:
    """The source with comments and string/char literals blanked, line breaks kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j, n - 1) - i + 1))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(text: str) -> list[tuple[int, int]]:
    """(first line, line count) of every function body at namespace or class level longer than
    MAX_FUNCTION_LINES."""
    code = strip_comments_and_strings(text)
    found, stack = [], []  # stack of (kind, start line)
    statement_start, statement = None, ""
    line = 1
    for c in code:
        if c == "\n":
            line += 1
        if c == "{":
            at_top = all(kind == "container" for kind, _ in stack)
            head = statement.strip()
            if CONTAINER.search(head) or head.startswith("extern"):
                kind = "container"
            elif at_top and ")" in head and not CONTROL.match(head) and "=" not in head.split("(")[0]:
                kind = "function"
            else:
                kind = "other"
            stack.append((kind, statement_start or line))
            statement_start, statement = None, ""
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function" and line - start + 1 > MAX_FUNCTION_LINES:
                    found.append((start, line - start + 1))
            statement_start, statement = None, ""
        elif c == ";":
            statement_start, statement = None, ""
        else:
            if statement_start is None and not c.isspace():
                statement_start = line
            statement += c
    return found


def violations(root: Path) -> list[str]:
    problems = []
    for d in DIRS:
        for path in sorted((root / d).rglob("*")):
            if path.suffix not in SUFFIXES:
                continue
            rel = path.relative_to(root)
            text = path.read_text(encoding="utf-8")
            lines = text.count("\n") + 1
            if lines > MAX_FILE_LINES:
                problems.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
            for start, length in long_functions(text):
                problems.append(f"{rel}:{start}: a function of {length} lines "
                                f"(at most {MAX_FUNCTION_LINES})")
            includes = re.findall(r'#include\s+[<"]([^">]+)[">]', text)
            if str(rel).startswith("sim/scenario/") and any(i.startswith("sim/data/") for i in includes):
                problems.append(f"{rel}: includes sim/data (the scenario layer must not)")
            if not str(rel).startswith("sim/net/") and any(i.startswith("ns3/") for i in includes):
                problems.append(f"{rel}: includes ns-3 (only sim/net may)")
    return problems


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
    problems = violations(root)
    for p in problems:
        print(p)
    print(f"check_structure: {len(problems)} violation(s) in {', '.join(DIRS)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
