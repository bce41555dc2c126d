"""Streamlit's own English widget strings, shown in Vietnamese (issue 17 item 8).

Where Streamlit takes a parameter, pages pass it (``placeholder=`` on selectbox and
multiselect, labels). Streamlit 1.67 has no locale for the rest: the file uploader's
"Drag and drop files here" / "Upload" / "200MB per file", the drop-downs' "No results"
and "Select all" / "Select 4 matches", the date picker's "Date range" are literals in
its JavaScript. ``install()`` adds one small script (``st.html`` with JavaScript
allowed, our own constant text, no user data) that rewrites exactly those texts
whenever they appear; a text node that matches nothing is left alone.
"""
from __future__ import annotations

import json
import re

import streamlit as st

# exact English text → Vietnamese (after trimming spaces)
EXACT = {
    "Choose an option": "Chọn…",
    "Choose options": "Chọn…",
    "Choose or add an option": "Chọn hoặc nhập…",
    "Choose or add options": "Chọn hoặc nhập…",
    "No options to select": "Không có lựa chọn",
    "No results": "Không có kết quả",
    "Select all": "Chọn tất cả",
    "Drag and drop files here": "Kéo thả tệp vào đây",
    "Drag and drop a file here": "Kéo thả tệp vào đây",
    "Upload": "Tải tệp lên",
    "Browse files": "Chọn tệp",
    "Date range": "Khoảng ngày",
    "Select...": "Chọn…",
    "Press Enter to apply": "Nhấn Enter để áp dụng",
}
# English pattern (JavaScript regular expression source) → Vietnamese replacement ($1 = first group)
PATTERNS = (
    (r"^Select (\d+) matches$", "Chọn $1 mục khớp"),
    (r"^(\d+(?:\.\d+)?)\s?([KMG]B) per file(.*)$", "Tối đa $1 $2 mỗi tệp$3"),
    (r"^Limit (\d+(?:\.\d+)?)\s?([KMG]B) per file(.*)$", "Tối đa $1 $2 mỗi tệp$3"),
)
MARKER = "tthc-widget-text"

_SCRIPT = """
<span class="%(marker)s"></span>
<script>
(function () {
  const root = window.parent && window.parent.document ? window.parent.document : document;
  if (root.defaultView.__tthcWidgetText) return;
  root.defaultView.__tthcWidgetText = true;
  const exact = %(exact)s;
  const patterns = %(patterns)s.map(([p, r]) => [new RegExp(p), r]);
  function translate(node) {
    const text = node.nodeValue;
    if (!text) return;
    const key = text.trim();
    if (!key) return;
    let out = exact[key];
    if (out === undefined) {
      for (const [re, rep] of patterns) { if (re.test(key)) { out = key.replace(re, rep); break; } }
    }
    if (out !== undefined && out !== key) node.nodeValue = text.replace(key, out);
  }
  function walk(el) {
    if (el.nodeType === 3) { translate(el); return; }
    const it = root.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let n; while ((n = it.nextNode())) translate(n);
    if (el.querySelectorAll) {
      el.querySelectorAll("input[placeholder]").forEach((i) => {
        const v = exact[i.placeholder.trim()]; if (v) i.placeholder = v;
      });
    }
  }
  walk(root.body);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") translate(r.target);
      r.addedNodes && r.addedNodes.forEach(walk);
    }
  }).observe(root.body, {childList: true, subtree: true, characterData: true});
})();
</script>
"""
# the element holding the script takes no room on the page
_HIDE = "<style>.stElementContainer:has(.%s), [data-testid='stElementContainer']:has(.%s) {display: none;}</style>"


def translate(text: str) -> str:
    """What the script shows for ``text`` (the same rules, in Python, for tests)."""
    key = text.strip()
    if key in EXACT:
        return text.replace(key, EXACT[key])
    for pattern, replacement in PATTERNS:
        if re.search(pattern, key):
            return text.replace(key, re.sub(pattern, replacement.replace("$", "\\"), key))
    return text


def script() -> str:
    return _SCRIPT % {"marker": MARKER, "exact": json.dumps(EXACT, ensure_ascii=False),
                      "patterns": json.dumps([list(p) for p in PATTERNS], ensure_ascii=False)}


def install() -> None:
    """Once per run, from the entry script: the translator script, hidden."""
    st.html(_HIDE % (MARKER, MARKER))
    st.html(script(), unsafe_allow_javascript=True)
