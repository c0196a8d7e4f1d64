#!/usr/bin/env python3
"""Writes expected.json: expat's reading of every report in this folder.

For each *.xml file below this folder (relative path as key):
- "expat": "ok", or "error" with expat's message, line and 1-based column
  (python's xml.etree.ElementTree: expat with namespace processing, the
  parser behind most Python JUnit tools);
- when well-formed: "root" (the root element's name) and "cases", "failures",
  "errors", "skipped": counted from the test cases themselves, independently
  of relgate: every <testcase> element anywhere in the document counts once,
  as failed when it has a <failure> child, as errored with an <error> child,
  as skipped with a <skipped> child. Suite attributes are not read.

Run from this folder: python3 expect.py
"""
import json
import os
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


def local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        root = parser.close()
    except LookupError as e:
        return {"expat": "error", "message": f"unknown encoding ({e})", "line": 1, "column": 1}
    except ET.ParseError as e:
        line, column = e.position
        return {"expat": "error", "message": str(e).split(":")[0], "line": line, "column": column + 1}
    counts = {"cases": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in root.iter():
        if local(case.tag) != "testcase":
            continue
        counts["cases"] += 1
        children = {local(c.tag) for c in case}
        counts["failures"] += "failure" in children
        counts["errors"] += "error" in children
        counts["skipped"] += "skipped" in children
    return {"expat": "ok", "root": local(root.tag), **counts}


def main():
    table = {}
    for folder, dirs, files in os.walk(HERE):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".xml"):
                path = os.path.join(folder, name)
                table[os.path.relpath(path, HERE)] = read(path)
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(table, f, indent=1, sort_keys=True, ensure_ascii=True)
        f.write("\n")
    bad = sum(1 for v in table.values() if v["expat"] != "ok")
    print(f"{len(table)} files, {bad} not well-formed")


if __name__ == "__main__":
    main()
