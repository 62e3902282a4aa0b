"""The live view's widgets, drawn straight from the play loop: no render pass per frame.

While playing, the page changes only in a few places: the day, the headline numbers, the
network pictures and the charts. Re-rendering the page for that (a Solara/reacton pass walks
and re-assigns every widget of the page, settings column included) cost more than drawing the
frame itself. So these few widgets are made once per browser session (:class:`LiveFrame`), placed
in the page by the components like any child, and the play loop sets their content directly.

Back-pressure comes from the browser: a hidden :class:`FrameAck` mark is given each frame's
number last; once the browser has applied it and painted (``requestAnimationFrame``), it sends
the number back, and the loop sends the next frame only then. While the browser paints frame
``n``, the loop already steps the model and builds frame ``n + 1`` (two cores work at once).

No model logic here: what is drawn comes from :mod:`circlesim.ui.views` and
:mod:`circlesim.ui.svg`, from the session's runs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import ipyvuetify as v
import traitlets
from solara.widgets import HTML

from .svg import network_svg
from .views import CHARTS, chart_svgs, headline_rows

__all__ = ["FrameAck", "LiveFrame", "Payload", "headlines_html"]

#: How long the play loop waits for the browser to paint a frame before it sends the next one
#: anyway (a tab in the background paints nothing).
ACK_TIMEOUT = 1.0

ACK_TEMPLATE = """<template>
  <span class="circlesim-frame" style="display:none" :data-frame="frame"></span>
</template>
<script>
module.exports = {
  mounted() { this.drawn = this.frame; },
  watch: {
    frame(value) {
      // after Vue has patched the page, and the browser has painted it
      requestAnimationFrame(() => setTimeout(() => { this.drawn = value; }, 0));
    },
  },
};
</script>
"""


class FrameAck(v.VuetifyTemplate):
    """An invisible mark: ``frame`` is set by the server, ``drawn`` by the browser once painted."""

    frame = traitlets.Int(0).tag(sync=True)
    drawn = traitlets.Int(0).tag(sync=True)
    template = traitlets.Unicode(ACK_TEMPLATE).tag(sync=True)


def headlines_html(runs) -> str:
    """The headline numbers as HTML cards (one value per run, coloured by run in compare)."""
    from .views import RUN_COLOURS

    if not runs:
        return ""
    compare = len(runs) > 1
    cards = []
    for label, values in headline_rows(runs):
        numbers = "".join(
            f'<div class="n" style="color:{RUN_COLOURS[i] if compare else "#222"}">'
            + (f'<small>{"AB"[i]}</small> ' if compare else "") + f"{value}</div>"
            for i, value in enumerate(values)
        )
        cards.append(f'<div class="circlesim-stat"><div class="l">{label}</div>{numbers}</div>')
    return "".join(cards)


@dataclass
class Payload:
    """One frame's content, built under the session's lock (a consistent snapshot)."""

    generation: int
    day: int
    hover: bool
    headlines: str = ""
    networks: list[str] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)


class LiveFrame:
    """The widgets of one browser session's live view, and how a frame gets into them."""

    def __init__(self):
        self.day = v.Html(tag="span", class_="circlesim-day", children=["Day 0"])
        self.headlines = HTML(tag="div", attributes={"class": "circlesim-stats"},
                              unsafe_innerHTML="")
        self.networks = [HTML(tag="div", attributes={"class": f"circlesim-network-{c}"},
                              unsafe_innerHTML="") for c in "ab"]
        self.charts = {spec.key: HTML(tag="div", unsafe_innerHTML="", attributes={
            "class": f"circlesim-chart-cell circlesim-chart-{spec.key}"}) for spec in CHARTS}
        self.ack = FrameAck()
        self._lock = threading.Lock()
        self._shown: tuple[int, int] = (-1, -1)  # (generation, day) last shown
        self.frames = 0

    # ------------------------------------------------------------------ building a frame

    @staticmethod
    def render(session, hover: bool = True) -> Payload:
        """Build the frame for the session's current day (no widget touched)."""
        with session.lock:
            runs = session.runs
            payload = Payload(session.generation, session.day if runs else 0, hover)
            if not runs:
                return payload
            labels = [r.spec.label for r in runs]
            payload.headlines = headlines_html(runs)
            for i, run in enumerate(runs):
                pos, view = run.network()
                title = labels[i][:1] if len(runs) > 1 else ""
                payload.networks.append(network_svg(pos, view, title=title, size=520))
            payload.charts = chart_svgs(runs, labels=[label[:1] for label in labels],
                                        hover=hover)
        return payload

    def show(self, payload: Payload) -> int | None:
        """Put ``payload`` into the widgets; return its frame number, or None when a newer
        frame (or a rebuilt run) is already shown."""
        with self._lock:
            key = (payload.generation, payload.day)
            if key < self._shown:
                return None
            self._shown = key
            self.headlines.unsafe_innerHTML = payload.headlines
            for widget, svg in zip(self.networks, payload.networks, strict=False):
                widget.unsafe_innerHTML = svg
            for name, svg in payload.charts.items():
                self.charts[name].unsafe_innerHTML = svg
            self.day.children = [f"Day {payload.day}"]
            self.frames += 1
            self.ack.frame = self.frames  # last: the browser has the rest when it sees this
            return self.frames

    def draw(self, session, hover: bool = True) -> int | None:
        return self.show(self.render(session, hover))

    # ------------------------------------------------------------------- back-pressure

    def wait_drawn(self, frame: int | None, cancel: threading.Event,
                   timeout: float = ACK_TIMEOUT) -> None:
        """Wait until the browser has painted ``frame`` (at most ``timeout`` s). Returns at once
        when no browser ever answered (rendered without a page, as the tests do)."""
        if frame is None or self.ack.drawn <= 0:
            return
        waited = time.perf_counter()
        while (self.ack.drawn < frame and not cancel.is_set()
               and time.perf_counter() - waited < timeout):
            cancel.wait(0.002)
