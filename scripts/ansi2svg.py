#!/usr/bin/env python3
"""Turn `tmux capture-pane -e -p` output (text with SGR colour codes) into an SVG of the
terminal: one <rect> per background run and one <text> per styled run. Usage:
ansi2svg.py COLS ROWS < capture.txt > screen.svg"""
import html
import re
import sys

PALETTE = [
    "#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]
FG, BG = "#d4d4d4", "#1e1e1e"
CW, CH = 9, 18


def xterm256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def parse(line, cols):
    cells = []
    st = {"fg": None, "bg": None, "bold": False, "rev": False, "ul": False, "dim": False}
    for tok in re.split(r"(\x1b\[[0-9;]*m)", line):
        if tok.startswith("\x1b["):
            codes = [int(c) if c else 0 for c in tok[2:-1].split(";")] or [0]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    st = {"fg": None, "bg": None, "bold": False, "rev": False, "ul": False, "dim": False}
                elif c == 1: st["bold"] = True
                elif c == 2: st["dim"] = True
                elif c == 4: st["ul"] = True
                elif c == 7: st["rev"] = True
                elif c == 22: st["bold"] = st["dim"] = False
                elif c == 24: st["ul"] = False
                elif c == 27: st["rev"] = False
                elif 30 <= c <= 37: st["fg"] = PALETTE[c - 30]
                elif 90 <= c <= 97: st["fg"] = PALETTE[c - 90 + 8]
                elif 40 <= c <= 47: st["bg"] = PALETTE[c - 40]
                elif 100 <= c <= 107: st["bg"] = PALETTE[c - 100 + 8]
                elif c == 39: st["fg"] = None
                elif c == 49: st["bg"] = None
                elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                    st["fg" if c == 38 else "bg"] = xterm256(codes[i + 2]); i += 2
                elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                    st["fg" if c == 38 else "bg"] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5]); i += 4
                i += 1
            continue
        for ch in tok:
            cells.append((ch, dict(st)))
    while len(cells) < cols:
        cells.append((" ", {"fg": None, "bg": None, "bold": False, "rev": False, "ul": False, "dim": False}))
    return cells[:cols]


def main():
    cols, rows = int(sys.argv[1]), int(sys.argv[2])
    lines = sys.stdin.read().split("\n")[:rows]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{cols*CW+16}" height="{rows*CH+16}">',
           f'<rect width="100%" height="100%" fill="{BG}"/>',
           '<g font-family="DejaVu Sans Mono, monospace" font-size="15" transform="translate(8,8)">']
    for y, line in enumerate(lines):
        cells = parse(line, cols)
        x = 0
        while x < cols:
            ch, st = cells[x]
            fg, bg = st["fg"] or FG, st["bg"] or BG
            if st["rev"]:
                fg, bg = bg, fg
            if st["dim"] and not st["fg"]:
                fg = "#808080"
            run = ch
            x2 = x + 1
            while x2 < cols and cells[x2][1] == st:
                run += cells[x2][0]; x2 += 1
            if bg != BG:
                out.append(f'<rect x="{x*CW}" y="{y*CH}" width="{(x2-x)*CW}" height="{CH}" fill="{bg}"/>')
            if run.strip():
                attrs = f'fill="{fg}"' + (' font-weight="bold"' if st["bold"] else "") + (' text-decoration="underline"' if st["ul"] else "")
                out.append(f'<text x="{x*CW}" y="{y*CH+14}" {attrs} xml:space="preserve" textLength="{(x2-x)*CW}" lengthAdjust="spacingAndGlyphs">{html.escape(run)}</text>')
            x = x2
    out.append("</g></svg>")
    print("\n".join(out))


main()
