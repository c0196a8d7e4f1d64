#!/usr/bin/env python3
"""Records how GitHub's parser, cmark-gfm, reads the files in kep/: the level and line of
every heading, the state and line of every task-list checkbox. Writes kep/expected.tsv.

Run from this folder with cmark-gfm on PATH (Debian: apt-get install cmark-gfm; recorded
with 0.29.0.gfm.6). relgate's test compares its own reading with this file; it does not
need cmark-gfm itself.
"""
import pathlib, re, subprocess

rows = ["# file\tkind\tline  (kind: h1..h6, or the box: [ ] / [x]); recorded by record.py"]
for path in sorted(pathlib.Path("kep").glob("*.md")):
    html = subprocess.run(
        ["cmark-gfm", "--sourcepos", "-e", "table", "-e", "strikethrough",
         "-e", "autolink", "-e", "tasklist", str(path)],
        check=True, capture_output=True, text=True).stdout
    token = re.compile(r'<(h[1-6]) data-sourcepos="(\d+):|data-sourcepos="(\d+):'
                       r'|<input type="checkbox"( checked="")? disabled="" />')
    last = None
    for m in token.finditer(html):
        if m.group(1):
            rows.append(f"{path.name}\t{m.group(1)}\t{m.group(2)}")
            last = m.group(2)
        elif m.group(3):
            last = m.group(3)
        else:
            rows.append(f"{path.name}\t{'[x]' if m.group(4) else '[ ]'}\t{last}")
(pathlib.Path("kep") / "expected.tsv").write_text("\n".join(rows) + "\n")
