#!/usr/bin/env bash
# Records how two common renderers read the task boxes of cases.json, into expected.tsv:
# cmark-gfm (GitHub's parser, through the `cmarkgfm` Python binding) and markdown-it with the
# GFM task-list plugin (`markdown-it-task-lists`, as in many documentation sites and editors).
# Needs: pip install cmarkgfm; npm install markdown-it markdown-it-task-lists (in this folder or
# on NODE_PATH). Columns: case index, cmark-gfm's boxes, markdown-it's boxes ("-" for none).
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY' > /tmp/relgate-cmark.tsv
import json, re, cmarkgfm
for i, md in enumerate(json.load(open("cases.json"))):
    html = cmarkgfm.github_flavored_markdown_to_html(md)
    boxes = ["[x]" if m.group(1) else "[ ]" for m in re.finditer(r'<input type="checkbox" (checked="" )?disabled=""', html)]
    print(f"{i}\t{' '.join(boxes) or '-'}")
PY
node - <<'JS' > /tmp/relgate-mdit.tsv
const md = require("markdown-it")().use(require("markdown-it-task-lists"));
const cases = require("./cases.json");
cases.forEach((c, i) => {
  const html = md.render(c);
  const boxes = [...html.matchAll(/<input class="task-list-item-checkbox"( checked="")?[^>]*type="checkbox">/g)]
    .map(m => (m[1] ? "[x]" : "[ ]"));
  console.log(`${i}\t${boxes.join(" ") || "-"}`);
});
JS
{
  printf '# case\tcmark-gfm\tmarkdown-it (task-lists)\n'
  join -t $'\t' <(sort /tmp/relgate-cmark.tsv) <(sort /tmp/relgate-mdit.tsv) | sort -n
} > expected.tsv
