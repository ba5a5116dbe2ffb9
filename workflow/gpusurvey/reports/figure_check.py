"""What a reader must see in a drawn figure, at the size the paper prints it.

``problems`` lists, one line each, everything that hides or misstates a figure's data:

- a data point, an error bar, a bar or a label (text inside the axes) outside its axes, and a
  drawn line (a bound) that leaves its axes and is shown over less than ``MIN_LINE_SHARE`` of
  their width and height (a bound above the plot);
- a legend entry naming something the axes do not draw (no artist of that label, or of that
  colour for a proxy handle, has a point inside its axes);
- text below ``MIN_PT`` at print size: the saved file is the tight box around everything drawn
  (``savefig.bbox: tight``), scaled by the paper to ``print_width_in``;
- an axis title or axes title covered by another axes;
- every collision ``figure_overlaps.collisions`` finds (text over text or over a data mark).

Extents are the renderer's, in display pixels, after a full draw.
"""

from __future__ import annotations

import math

from gpusurvey.reports import figure_overlaps

MIN_PT = 7.0
"""Smallest type a reader is asked to read, in pt at print size."""
TOLERANCE_PX = 1.0
"""A mark may reach this far past its axes (antialiasing, a marker centred on the edge)."""
MIN_LINE_SHARE = 0.1
"""A drawn line must cross at least this share of its axes' width or height."""


def _inside(bbox, x: float, y: float) -> bool:
    return (bbox.x0 - TOLERANCE_PX <= x <= bbox.x1 + TOLERANCE_PX
            and bbox.y0 - TOLERANCE_PX <= y <= bbox.y1 + TOLERANCE_PX)


def _has_marker(line) -> bool:
    return line.get_marker() not in (None, "None", "none", "", " ")


def _line_points(line):
    """A line's vertices in display pixels (NaN gaps dropped)."""
    xy = line.get_transform().transform(line.get_xydata())
    return [(x, y) for x, y in xy if math.isfinite(x) and math.isfinite(y)]


def _line_share(line, bbox) -> float:
    """The share of its axes' width or height (the larger) a marker-less line is drawn over; 1
    for a line that lies wholly inside its axes, however short (a front through two cards)."""
    pts = _line_points(line)
    if pts and all(_inside(bbox, x, y) for x, y in pts):
        return 1.0
    inside = []
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        for i in range(101):
            x, y = x0 + (x1 - x0) * i / 100, y0 + (y1 - y0) * i / 100
            if _inside(bbox, x, y):
                inside.append((x, y))
    if not inside:
        return 0.0
    xs, ys = [p[0] for p in inside], [p[1] for p in inside]
    return max((max(xs) - min(xs)) / bbox.width, (max(ys) - min(ys)) / bbox.height)


def _segments(collection):
    """The vertices of a LineCollection (error bars) in display pixels."""
    transform = collection.get_transform()
    for segment in collection.get_segments():
        for x, y in transform.transform(segment):
            if math.isfinite(x) and math.isfinite(y):
                yield x, y


def _offsets(collection):
    return collection.get_offset_transform().transform(collection.get_offsets())


def _bar_extent(patch, renderer, bbox):
    """A bar's box with its base (left or bottom, at zero or -infinity on a log axis) clipped to
    the axes: a bar may start below the axes, its end may not lie beyond them."""
    extent = patch.get_window_extent(renderer)
    return max(extent.x0, bbox.x0), max(extent.y0, bbox.y0), extent.x1, extent.y1


def _label(artist, containers: dict[int, str]) -> str:
    """An artist's label, or its container's (a bar, an error bar) where it has none of its own."""
    label = artist.get_label()
    return containers.get(id(artist), label) if label.startswith("_") else label


def _container_labels(ax) -> dict[int, str]:
    return {id(child): container.get_label() for container in ax.containers
            for child in container.get_children() if child is not None}


def outside_axes(fig, renderer) -> list[str]:
    """Data points, error bars, bars and labels outside their axes; lines the axes barely show."""
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.patches import Rectangle

    found = []
    for n, ax in enumerate(fig.axes):
        bbox = ax.bbox
        where = f"axes {n}"
        names = _container_labels(ax)
        for collection in ax.collections:
            if not collection.get_visible():
                continue
            if isinstance(collection, PathCollection):
                points = _offsets(collection)
                kind = "point"
            elif isinstance(collection, LineCollection):
                points = list(_segments(collection))
                kind = "error bar end"
            else:
                continue
            for i, (x, y) in enumerate(points):
                if not _inside(bbox, x, y):
                    name = _label(collection, names)
                    found.append(f"{where}: {kind} {i} of {name!r} lies outside the axes")
        for line in ax.lines:
            if not line.get_visible() or not len(line.get_xydata()):
                continue
            if _has_marker(line):
                for i, (x, y) in enumerate(_line_points(line)):
                    if not _inside(bbox, x, y):
                        found.append(f"{where}: marker {i} of {_label(line, names)!r} lies outside the axes")
            elif _line_share(line, bbox) < MIN_LINE_SHARE:
                found.append(f"{where}: line {line.get_label()!r} is drawn over less than "
                             f"{MIN_LINE_SHARE:.0%} of the axes")
        for patch in ax.patches:
            if isinstance(patch, Rectangle) and patch.get_visible():
                x0, y0, x1, y1 = _bar_extent(patch, renderer, bbox)
                if not (_inside(bbox, x0, y0) and _inside(bbox, x1, y1)):
                    found.append(f"{where}: bar {_label(patch, names)!r} lies outside the axes")
        for text in ax.texts:
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = text.get_window_extent(renderer)
            if not (_inside(bbox, box.x0, box.y0) and _inside(bbox, box.x1, box.y1)):
                found.append(f"{where}: label {text.get_text()!r} lies outside the axes")
    return found


def _visible_data(artist, bbox, renderer) -> bool:
    """Whether ``artist`` draws at least one point (or a stretch of line, or a bar) inside ``bbox``."""
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    if not artist.get_visible():
        return False
    if isinstance(artist, PathCollection):
        return any(_inside(bbox, x, y) for x, y in _offsets(artist))
    if isinstance(artist, LineCollection):
        return any(_inside(bbox, x, y) for x, y in _segments(artist))
    if isinstance(artist, Line2D):
        if _has_marker(artist):
            return any(_inside(bbox, x, y) for x, y in _line_points(artist))
        return _line_share(artist, bbox) >= MIN_LINE_SHARE
    if isinstance(artist, Rectangle):
        x0, y0, x1, y1 = _bar_extent(artist, renderer, bbox)
        return x1 > x0 and y1 > y0 and x0 < bbox.x1 and y0 < bbox.y1
    return False


def _same_style(handle, artist) -> bool:
    """Whether a proxy legend handle (drawn for the legend only) looks like ``artist``."""
    from matplotlib.collections import PathCollection
    from matplotlib.colors import same_color
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    try:
        if isinstance(handle, Patch) and isinstance(artist, Rectangle):
            hatch = handle.get_hatch() or ""
            if hatch and same_color(handle.get_facecolor(), "#999999"):
                return hatch == (artist.get_hatch() or "")  # a grey key for the hatch alone
            return (same_color(handle.get_facecolor(), artist.get_facecolor())
                    and hatch == (artist.get_hatch() or ""))
        if isinstance(handle, Line2D) and isinstance(artist, Line2D):
            return (same_color(handle.get_color(), artist.get_color())
                    and handle.get_linestyle() == artist.get_linestyle()
                    and handle.get_marker() == artist.get_marker())
        if isinstance(handle, PathCollection) and isinstance(artist, PathCollection):
            return same_color(handle.get_facecolor()[:1], artist.get_facecolor()[:1])
    except ValueError:
        return False
    return False


def _drawn_artists(ax):
    """(label, artist) of everything ``ax`` draws; a container (error bars) under its own label."""
    for artist in [*ax.collections, *ax.lines, *ax.patches]:
        yield artist.get_label(), artist
    for container in ax.containers:
        for child in container.get_children():
            if child is not None:
                yield container.get_label(), child


def undrawn_legend_entries(fig, renderer) -> list[str]:
    """Legend entries whose series no axes of the legend draws inside its limits."""
    from matplotlib.legend import Legend

    found = []
    for legend in fig.findobj(Legend):
        if not legend.get_visible():
            continue
        axes = [legend.axes] if legend.axes is not None else fig.axes
        for handle, text in zip(legend.legend_handles, legend.texts, strict=False):
            label = text.get_text()
            drawn = False
            for ax in axes:
                for name, artist in _drawn_artists(ax):
                    if (name == label or _same_style(handle, artist)) and _visible_data(artist, ax.bbox,
                                                                                         renderer):
                        drawn = True
                        break
                if drawn:
                    break
            if not drawn:
                found.append(f"legend entry {label!r} names nothing drawn inside the axes")
    return found


def print_scale(fig, renderer, print_width_in: float) -> float:
    """How much the paper scales the saved file: its printed width over the tight box's width."""
    return print_width_in / fig.get_tightbbox(renderer).width


def small_text(fig, renderer, print_width_in: float) -> list[str]:
    """Every drawn text whose size at print size is below ``MIN_PT``."""
    from matplotlib.text import Text

    scale = print_scale(fig, renderer, print_width_in)
    undrawn = figure_overlaps._undrawn_tick_labels(fig)
    found = []
    for text in fig.findobj(Text):
        if id(text) in undrawn or not text.get_visible() or not text.get_text().strip():
            continue
        size = text.get_fontsize() * scale
        if size < MIN_PT - 0.05:
            found.append(f"text {text.get_text()!r} is {size:.1f} pt at print size (below {MIN_PT:g})")
    return found


def covered_titles(fig, renderer) -> list[str]:
    """Axis titles and axes titles that another axes covers."""
    found = []
    for n, ax in enumerate(fig.axes):
        for text in (ax.xaxis.label, ax.yaxis.label, ax.title):
            if not text.get_visible() or not text.get_text().strip():
                continue
            box = figure_overlaps._box("", text.get_window_extent(renderer))
            for m, other in enumerate(fig.axes):
                area = figure_overlaps._box("", other.bbox)
                if m != n and box and area and box.overlaps(area):
                    found.append(f"axes {n}: title {text.get_text()!r} is covered by axes {m}")
    return found


def problems(fig, print_width_in: float) -> list[str]:
    """Everything that hides or misstates ``fig``'s data at ``print_width_in`` (see the module)."""
    found = figure_overlaps.collisions(fig)  # draws the figure
    renderer = fig.canvas.get_renderer()
    return [*found, *outside_axes(fig, renderer), *undrawn_legend_entries(fig, renderer),
            *small_text(fig, renderer, print_width_in), *covered_titles(fig, renderer)]
