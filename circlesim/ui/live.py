"""The live view's widgets, drawn straight from the play loop: no render pass per frame.

While playing, the page changes only in a few places: the day, the headline numbers, the
network pictures and the charts. Re-rendering the page for that (a Solara/reacton pass walks
and re-assigns every widget of the page, settings column included) cost more than drawing the
frame itself, and ten widgets updated one by one cost ten messages, each a hand-over to the
server's event loop. So the live view is two widgets made once per browser session
(:class:`LiveFrame`): the day label and a :class:`LivePanel` holding everything else; the
components place them like any child, and the play loop sets their content directly, one
message per widget and frame.

Back-pressure comes from the browser: the panel carries each frame's number; once the browser
has applied it and painted (``requestAnimationFrame``), it sends the number back. The loop keeps
at most two frames ahead of the last one painted: while the browser paints frame ``n``, the
server steps the model and builds frame ``n + 1`` (two cores work at once).

No model logic here: what is drawn comes from :mod:`circlesim.ui.views` and
:mod:`circlesim.ui.svg`, from the session's runs.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass, field

import ipyvuetify as v
import traitlets

from .svg import network_svg
from .views import CHARTS, chart_svgs, headline_rows

__all__ = ["LiveFrame", "LivePanel", "Payload", "headlines_html", "legend_html"]

#: How long the play loop waits for the browser to paint a frame before it sends the next one
#: anyway (a tab in the background paints nothing).
ACK_TIMEOUT = 1.0

PANEL_TEMPLATE = """<template>
  <div class="circlesim-live">
    <div class="circlesim-stats" v-html="headlines"></div>
    <div v-if="legend" class="circlesim-legend" v-html="legend"></div>
    <div :class="networks.length > 1 ? 'cs-live cs-compare' : 'cs-live'">
      <div class="cs-network-col">
        <div v-for="(svg, i) in networks" :key="'network-' + i"
             :class="'circlesim-network-' + 'ab'[i]" v-html="svg"></div>
      </div>
      <div class="circlesim-charts">
        <div v-for="(svg, i) in charts" :key="chart_keys[i]"
             :class="'circlesim-chart-cell circlesim-chart-' + chart_keys[i]" v-html="svg"></div>
      </div>
    </div>
    <span class="circlesim-frame" style="display:none" :data-frame="frame"></span>
  </div>
</template>
<script>
module.exports = {
  mounted() { this.drawn = this.frame; },
  watch: {
    frame(value) {
      // after Vue has patched the page, and the browser has painted it (a tab in the
      // background paints nothing: answer at once, so playing goes on there too)
      const done = () => { this.drawn = value; };
      if (document.hidden) setTimeout(done, 0);
      else requestAnimationFrame(() => setTimeout(done, 0));
    },
  },
};
</script>
"""


class LivePanel(v.VuetifyTemplate):
    """The headline numbers, the network picture(s) and the charts in one widget, so a frame
    reaches the browser as one message (and Vue re-draws only the parts whose text changed).

    ``frame`` is set by the server with each frame; ``drawn`` is set by the browser once it has
    painted that frame (the play loop's back-pressure)."""

    headlines = traitlets.Unicode("").tag(sync=True)
    legend = traitlets.Unicode("").tag(sync=True)
    networks = traitlets.List(traitlets.Unicode()).tag(sync=True)
    chart_keys = traitlets.List(traitlets.Unicode()).tag(sync=True)
    charts = traitlets.List(traitlets.Unicode()).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    drawn = traitlets.Int(0).tag(sync=True)
    template = traitlets.Unicode(PANEL_TEMPLATE).tag(sync=True)

    def parts(self) -> list[tuple[str, str]]:
        """(CSS classes, HTML) of each part the browser shows (for tests and tools)."""
        out = [("circlesim-stats", self.headlines)]
        if self.legend:
            out.append(("circlesim-legend", self.legend))
        out += [(f"circlesim-network-{'ab'[i]}", svg) for i, svg in enumerate(self.networks)]
        out += [(f"circlesim-chart-cell circlesim-chart-{k}", svg)
                for k, svg in zip(self.chart_keys, self.charts, strict=False)]
        return out


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
    legend: str = ""
    networks: list[str] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)


def legend_html(labels) -> str:
    """Compare mode: the runs' names in their colours."""
    from .views import RUN_COLOURS

    return "".join(f'<span style="color:{RUN_COLOURS[i]};margin-right:28px">'
                   f"{html.escape(label)}</span>" for i, label in enumerate(labels))


class LiveFrame:
    """The widgets of one browser session's live view, and how a frame gets into them: the day
    label (placed in the control bar) and the :class:`LivePanel` (the rest)."""

    def __init__(self):
        self.day = v.Html(tag="span", class_="circlesim-day", children=["Day 0"])
        self.panel = LivePanel(chart_keys=[spec.key for spec in CHARTS])
        self._lock = threading.Lock()
        self._shown: tuple[int, int] = (-1, -1)  # (generation, day) last shown

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
            if len(runs) > 1:
                payload.legend = legend_html(labels)
            for i, run in enumerate(runs):
                pos, view = run.network()
                title = labels[i][:1] if len(runs) > 1 else ""
                payload.networks.append(network_svg(pos, view, title=title, size=520))
            payload.charts = chart_svgs(runs, labels=[label[:1] for label in labels],
                                        hover=hover)
        return payload

    def show(self, payload: Payload) -> int | None:
        """Put ``payload`` into the widgets (one message for the panel, one for the day);
        return its frame number, or None when a newer frame (or a rebuilt run) is shown."""
        with self._lock:
            key = (payload.generation, payload.day)
            if key < self._shown:
                return None
            self._shown = key
            panel = self.panel
            with panel.hold_sync():
                panel.headlines = payload.headlines
                panel.legend = payload.legend
                panel.networks = payload.networks
                panel.charts = [payload.charts.get(k, "") for k in panel.chart_keys]
                panel.frame += 1
            self.day.children = [f"Day {payload.day}"]
            return panel.frame

    def draw(self, session, hover: bool = True) -> int | None:
        return self.show(self.render(session, hover))

    # ------------------------------------------------------------------- back-pressure

    def wait_drawn(self, frame: int | None, cancel: threading.Event,
                   timeout: float = ACK_TIMEOUT) -> None:
        """Wait until the browser has painted ``frame`` (at most ``timeout`` s). Returns at once
        when no browser ever answered (rendered without a page, as the tests do)."""
        if frame is None or self.panel.drawn <= 0:
            return
        waited = time.perf_counter()
        while (self.panel.drawn < frame and not cancel.is_set()
               and time.perf_counter() - waited < timeout):
            cancel.wait(0.002)
