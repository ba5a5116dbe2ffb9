"""Collisions in a drawn figure: a text box (tick label, axis label, title, annotation,
legend) overlapping another text box or a data mark (a bar, a scatter point).

Extents come from the renderer (``Artist.get_window_extent``), in display pixels, after a
full draw, so they are the boxes the saved file shows. Used by the tests over every
registered figure, and callable on any figure while drawing one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TOUCH_PX = 0.5
"""Boxes must overlap by more than this (display pixels) on both axes to collide; boxes that
merely touch, as adjacent tick labels may, do not."""


@dataclass(frozen=True)
class Box:
    """One named extent in display pixels."""

    name: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx > TOUCH_PX and dy > TOUCH_PX


def _box(name: str, extent) -> Box | None:
    if extent.width <= 0 or extent.height <= 0 or not all(map(math.isfinite, extent.extents)):
        return None
    return Box(name, *extent.extents)


def text_boxes(fig, renderer) -> list[Box]:
    """Every visible, non-empty text of ``fig`` and each legend as one box (its frame)."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    boxes: list[Box] = []
    legends = [a for a in fig.findobj(Legend) if a.get_visible()]
    skipped = {id(t) for legend in legends for t in legend.findobj(Text)} | _undrawn_tick_labels(fig)
    for text in fig.findobj(Text):
        if id(text) in skipped or not text.get_visible() or not text.get_text().strip():
            continue
        box = _box(f"text {text.get_text()!r}", text.get_window_extent(renderer))
        if box:
            boxes.append(box)
    for legend in legends:
        texts = ", ".join(repr(t.get_text()) for t in legend.get_texts())
        box = _box(f"legend [{texts}]", legend.get_window_extent(renderer))
        if box:
            boxes.append(box)
    return boxes


def _undrawn_tick_labels(fig) -> set[int]:
    """Tick labels an axis keeps but does not draw: those of ticks outside its view limits."""
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not low - abs(high - low) * 1e-9 <= loc <= high + abs(high - low) * 1e-9:
                    undrawn |= {id(tick.label1), id(tick.label2)}
    return undrawn


def mark_boxes(fig, renderer) -> list[Box]:
    """The data marks of every axes: bars (the rectangles of ``ax.patches``, empty ones left out) and
    each scatter point (the marker's size around its offset)."""
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import Bbox

    boxes: list[Box] = []
    for ax in fig.axes:
        for patch in ax.patches:
            if isinstance(patch, Rectangle) and patch.get_visible():
                # A bar is drawn clipped to its axes (on a log axis it starts at -infinity).
                extent = Bbox.intersection(patch.get_window_extent(renderer), ax.bbox)
                box = extent and _box(f"bar of axes {fig.axes.index(ax)} ({patch.get_label()})", extent)
                if box:
                    boxes.append(box)
        for collection in ax.collections:
            if not isinstance(collection, PathCollection) or not collection.get_visible():
                continue
            sizes = collection.get_sizes()
            offsets = collection.get_offset_transform().transform(collection.get_offsets())
            for i, (x, y) in enumerate(offsets):
                size = sizes[i % len(sizes)] if len(sizes) else 36.0
                radius = math.sqrt(size) / 2 * fig.dpi / 72
                boxes.append(Box(f"point {i} of {collection.get_label()!r}",
                                 x - radius, y - radius, x + radius, y + radius))
    return boxes


def collisions(fig) -> list[str]:
    """Every pair of overlapping text boxes, and every text box over a data mark, one line
    each; empty when nothing in ``fig`` hides anything."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = text_boxes(fig, renderer)
    marks = mark_boxes(fig, renderer)
    found = []
    for i, a in enumerate(texts):
        found += [f"{a.name} overlaps {b.name}" for b in texts[i + 1:] if a.overlaps(b)]
        found += [f"{a.name} overlaps {m.name}" for m in marks if a.overlaps(m)]
    return found
