"""What every figure shares: the style file, colours, print widths, label placement, plain log
ticks and saving, so that each figure module (``figures``, ``since_figures``, ``crowd_figure``,
``cpu_figure``) draws with the same hand and none imports another's private helpers.

Output is byte-reproducible: Agg backend, fonts embedded, no creation date in the PDF, labels
placed in a bounded number of steps. A label whose glyph is missing from the fonts is an error,
not a box in the paper.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from gpusurvey.core import atomic

STYLE = Path(__file__).resolve().parent / "styles" / "gpusurvey.mplstyle"

EXTS = ("pdf", "png")

PUBLISHED_COLOR = "#4c72b0"
MEASURED_COLOR = "#dd8452"
BASELINE_COLOR = "#c44e52"
FRONT_COLOR = "#55a868"
BOUND_STYLES = ("-", "--", ":", "-.")
"""Line styles of the roofline's bound lines, one per bytes-per-token value."""

COLUMN_WIDTH_IN = 4.3
"""Width of a figure the paper sets at its default 0.66 of the text width (166 mm): drawn at
the size it is printed, so the style's 8-9 pt type stays 8-9 pt on the page."""
PAGE_WIDTH_IN = 6.5
"""Width of a figure the paper sets at the full text width."""
LABEL_SIZE = 7
"""Point labels and bar values, in pt at print size."""

def pyplot():
    """matplotlib's pyplot on the Agg backend with the project's style."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.style.use(STYLE)
    return plt


def save(fig, outputs: Mapping[str, str | os.PathLike]) -> None:
    """Write ``fig`` to each ``{ext: path}`` atomically and deterministically.

    Raises ValueError when a label needed a glyph the fonts lack.
    """
    import logging

    import matplotlib.pyplot as plt

    # fontTools reports every TrueType table it cannot subset (hinting tables it drops).
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    try:
        for ext, path in outputs.items():
            metadata = {"CreationDate": None} if ext == "pdf" else {}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with atomic.atomic_path(path) as tmp:
                    fig.savefig(tmp, format=ext, metadata=metadata)
            missing = sorted({str(w.message) for w in caught if "missing from font" in str(w.message)})
            if missing:
                Path(path).unlink(missing_ok=True)
                raise ValueError(f"{path}: {'; '.join(missing)}")
    finally:
        plt.close(fig)


def legend_on_top(fig, handles, ncol: int = 2) -> None:
    """The legend above the axes, from the figure's left edge (never over a bar or its value),
    and the axes fitted below it, everything within the figure's width: a figure drawn at its
    printed width prints its type at the size it was drawn."""
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1), ncol=ncol, borderaxespad=0,
                        handlelength=1.2, columnspacing=1.0)
    fig.draw_without_rendering()
    height = legend.get_window_extent().height / fig.bbox.height
    fig.tight_layout(rect=(0, 0, 1, 1 - height - 0.02))


LABEL_ITERATIONS = 1000
"""Steps of ``adjustText`` at most (it stops earlier once no label overlaps)."""


def place_labels(ax, xs, ys, names, avoid=((), ())) -> None:
    """Label each point with its name, moved (with a leader line) off every other label and
    point, and off the unlabelled points ``avoid`` (xs, ys); ``adjustText`` finds the positions,
    deterministically: it stops after ``LABEL_ITERATIONS`` steps, never after a time limit (its
    default, one second, would place the labels by the machine's speed)."""
    from adjustText import adjust_text

    xs, ys = list(xs), list(ys)
    texts = [ax.text(x, y, name, fontsize=LABEL_SIZE, zorder=4)
             for x, y, name in zip(xs, ys, names, strict=True)]
    if texts:
        # Boxes grown by ``expand`` keep clear of the markers around each point, not only its centre.
        _, leaders = adjust_text(
            texts, x=xs + list(avoid[0]), y=ys + list(avoid[1]), ax=ax, expand=(1.4, 2.0),
            force_static=(0.3, 0.5), ensure_inside_axes=True, iter_lim=LABEL_ITERATIONS,
            arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.5})
        for leader in leaders:
            leader.set_patchA(_LabelBox(leader.patchA))


class _LabelBox:
    """A label as the patch its leader line starts from. Matplotlib clips the line where it
    leaves the label's box by asking ``Text.contains`` of a hundred points or so, per line and
    drawing, and each ask lays the text out again. This asks ``Text.get_window_extent`` once
    per drawing (renderer, resolution, the text's place) and answers as ``Text.contains`` does:
    the same box, the same line, the same bytes."""

    def __init__(self, text):
        self.text = text
        self._drawing = self._box = None

    def contains(self, event) -> tuple[bool, dict]:
        text = self.text
        renderer = text._renderer  # what get_window_extent lays the text out with (last drawing's)
        if renderer is None or not text.get_visible() or not text.get_text():
            return text.contains(event)
        place = tuple(text.get_transform().transform(text.get_unitless_position()))
        drawing = (type(renderer), id(renderer), text.get_figure(root=True).dpi, place)
        if drawing != self._drawing:
            self._drawing, self._box = drawing, text.get_window_extent()
        box = self._box
        return bool(box.x0 <= event.x <= box.x1 and box.y0 <= event.y <= box.y1), {}


def plain_ticks(axis, subs: Sequence[float] = (1, 2, 5)) -> None:
    """Log-axis ticks at ``subs`` times powers of ten, as plain numbers (``200``, not ``2 x 10^2``)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())
