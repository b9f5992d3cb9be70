"""One look for every sasgsim plot: fixed colours per algorithm kind, font sizes, dpi."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display

# Okabe-Ito colours (safe for colour-blind readers); the same kind always gets the same colour.
KIND_COLOURS = {
    "sgd": "#0072B2",     # blue
    "sparse": "#E69F00",  # orange
    "lasg": "#009E73",    # green
    "sasg": "#D55E00",    # vermillion
}
# Labels of other kinds, in order of appearance; composed entries (a rule with a compressor)
# each get a colour of their own.
EXTRA_COLOURS = ["#CC79A7", "#56B4E9", "#000000", "#F0E442", "#999999", "#882255", "#44AA99",
                 "#332288", "#AA4499", "#117733", "#88CCEE", "#DDCC77", "#661100", "#6699CC"]
OWN_COLOUR_KINDS = {"composed"}
# A second, third... label of the same kind keeps the kind's colour with another line style.
LINESTYLES = ["-", "--", ":", "-."]

TARGET_STYLE = {"color": "0.35", "linestyle": "--", "linewidth": 1.0}
PNG_DPI = 150

RC = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "figure.titlesize": 12,
    "lines.linewidth": 1.6,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "svg.fonttype": "none",  # text stays text in SVG
    "pdf.fonttype": 42,      # TrueType in PDF, editable
}


def algorithm_styles(labels, kind_of) -> dict[str, dict]:
    """{label: {"color", "linestyle"}} for labels in order; kind_of(label) gives the kind."""
    styles, seen_kinds, extra = {}, {}, iter(EXTRA_COLOURS * 4)
    extra_for_kind = {}
    for label in labels:
        kind = kind_of(label)
        kind = label if kind in OWN_COLOUR_KINDS else kind
        n = seen_kinds.get(kind, 0)
        seen_kinds[kind] = n + 1
        if kind in KIND_COLOURS:
            colour = KIND_COLOURS[kind]
        else:
            if kind not in extra_for_kind:
                extra_for_kind[kind] = next(extra)
            colour = extra_for_kind[kind]
        styles[label] = {"color": colour, "linestyle": LINESTYLES[n % len(LINESTYLES)]}
    return styles
