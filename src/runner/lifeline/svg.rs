//! A lifeline as a self-contained SVG: lanes as labelled vertical lines, time downwards
//! with a tick at every step (idle gaps shortened into labelled breaks), hops as arrows
//! coloured by kind and labelled with what went and how long it took, marks as dots with
//! a few words. Dashed arrows have an end the trace does not record.

use super::model::{Hop, HopKind, Lifeline, Mark, MarkKind, fmt_dur, fmt_time};
use super::svg_layout::{Anchor, Labels, TimeAxis, text_width};
use crate::sim::SimTime;
use std::collections::BTreeMap;
use std::fmt::Write;

const AXIS_X: f64 = 104.0;
const FIRST_LANE_X: f64 = 196.0;
const LANE_W: f64 = 210.0;
const HEAD_Y: f64 = 78.0;
const TOP: f64 = 112.0;
const MAX_MARK_TEXT: usize = 34;

/// The colour of a hop kind.
pub fn hop_color(k: HopKind) -> &'static str {
    match k {
        HopKind::Produce | HopKind::Publish => "#1f6fb4",
        HopKind::Replicate => "#8a55c7",
        HopKind::Ack | HopKind::ConsumerAck => "#2b9a3a",
        HopKind::Fetch | HopKind::Deliver => "#129aaa",
        HopKind::Commit => "#e07b10",
        HopKind::Retry | HopKind::Nack => "#d62728",
        HopKind::DeadLetter => "#8b0000",
        HopKind::Redrive => "#8c564b",
        HopKind::Confirm | HopKind::Return => "#666666",
    }
}

/// The colour of a mark kind.
pub fn mark_color(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Created | MarkKind::Enqueued | MarkKind::Deliver => "#1f6fb4",
        MarkKind::Append | MarkKind::Duplicate | MarkKind::Leader | MarkKind::Up => "#444444",
        MarkKind::HwAdvance | MarkKind::Processed | MarkKind::Committed => "#2b9a3a",
        MarkKind::Requeued => "#e07b10",
        MarkKind::ProduceError
        | MarkKind::Failed
        | MarkKind::Skipped
        | MarkKind::Truncated
        | MarkKind::Deleted
        | MarkKind::Refused
        | MarkKind::Unroutable
        | MarkKind::Expired
        | MarkKind::Dropped
        | MarkKind::Lost
        | MarkKind::Down => "#d62728",
    }
}

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn lane_x(i: usize) -> f64 {
    FIRST_LANE_X + i as f64 * LANE_W
}

/// How many steps the diagram draws; later ones are left to the text lines.
const MAX_DRAWN: usize = 400;

/// The SVG document (of the first `MAX_DRAWN` steps).
pub fn render(l: &Lifeline) -> String {
    let drawn = first_steps(l);
    let l = &drawn;
    let axis = time_axis(l, TOP);
    let width = lane_x(l.lanes.len().max(1) - 1) + LANE_W;
    let bottom = axis.bottom() + 40.0;
    let (legend, legend_end) = legend(l, bottom + 26.0, width);
    let height = legend_end + 18.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\">"
    );
    s.push_str(&defs());
    let _ = writeln!(s, "<rect x=\"0\" y=\"0\" width=\"{width:.0}\" height=\"{height:.0}\" fill=\"#ffffff\"/>");
    header(&mut s, l, width);
    let mut labels = Labels::default();
    lanes_and_axis(&mut s, l, &axis, bottom, &mut labels);
    for h in &l.hops {
        arrow(&mut s, h, &axis, &mut labels);
    }
    let mut text = String::new();
    for m in &l.marks {
        mark(&mut s, &mut text, m, &axis, &mut labels);
    }
    for h in &l.hops {
        hop_label(&mut text, h, &axis, &mut labels);
    }
    s.push_str(&text);
    s.push_str(&legend);
    s.push_str("</svg>\n");
    s
}

/// The lifeline up to its `MAX_DRAWN`th step; the rest counted in `dropped` (the SVG and
/// the app draw this much).
pub fn first_steps(l: &Lifeline) -> Lifeline {
    let mut at: Vec<SimTime> = l.hops.iter().map(|h| h.arrived).chain(l.marks.iter().map(|m| m.at)).collect();
    at.sort();
    let Some(&cut) = at.get(MAX_DRAWN) else { return l.clone() };
    let hops: Vec<Hop> = l.hops.iter().filter(|h| h.arrived < cut).cloned().collect();
    let marks: Vec<Mark> = l.marks.iter().filter(|m| m.at < cut).cloned().collect();
    let left = (l.hops.len() + l.marks.len() - hops.len() - marks.len()) as u64;
    Lifeline { hops, marks, dropped: l.dropped + left, ..l.clone() }
}

/// Where each time of `l` sits, from `top` down, with room below a time where several
/// labels hang from one lane.
pub fn time_axis(l: &Lifeline, top: f64) -> TimeAxis {
    TimeAxis::new(times(l), &room(l), top)
}

/// Every time the diagram shows.
fn times(l: &Lifeline) -> Vec<SimTime> {
    let hops = l.hops.iter().flat_map(|h| [h.sent, h.arrived]);
    hops.chain(l.marks.iter().map(|m| m.at)).collect()
}

/// Extra room below a time where several labels hang from one lane.
fn room(l: &Lifeline) -> BTreeMap<SimTime, f64> {
    let mut count: BTreeMap<(SimTime, usize), u32> = BTreeMap::new();
    for m in &l.marks {
        *count.entry((m.at, m.lane)).or_default() += 1;
    }
    let mut room: BTreeMap<SimTime, f64> = BTreeMap::new();
    for ((t, _), n) in count {
        let r = room.entry(t).or_default();
        *r = r.max((n.saturating_sub(1)) as f64 * 13.0);
    }
    for h in l.hops.iter().filter(|h| h.sent == h.arrived) {
        let r = room.entry(h.sent).or_default();
        *r = r.max(bulge(h) + 14.0);
    }
    room
}

fn defs() -> String {
    let mut s = String::from("<defs>\n");
    let mut seen = std::collections::BTreeSet::new();
    for k in ALL_HOPS {
        let c = hop_color(k);
        if seen.insert(c) {
            let id = &c[1..];
            let _ = writeln!(
                s,
                "<marker id=\"a{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{c}\"/></marker>"
            );
        }
    }
    s.push_str("</defs>\n");
    s
}

const ALL_HOPS: [HopKind; 14] = [
    HopKind::Produce,
    HopKind::Replicate,
    HopKind::Ack,
    HopKind::Fetch,
    HopKind::Commit,
    HopKind::Retry,
    HopKind::DeadLetter,
    HopKind::Redrive,
    HopKind::Publish,
    HopKind::Deliver,
    HopKind::ConsumerAck,
    HopKind::Nack,
    HopKind::Confirm,
    HopKind::Return,
];

fn header(s: &mut String, l: &Lifeline, width: f64) {
    let title = format!("{} — lifeline of {} (seed {})", l.scenario, l.message, l.seed);
    let _ = writeln!(s, "<text x=\"16\" y=\"26\" font-size=\"15\" font-weight=\"bold\">{}</text>", esc(&title));
    let mut sub = "Time runs down (simulated; long idle gaps shortened into breaks). Dashed arrow: an end the trace \
does not record, drawn at the earliest time the trace allows."
        .to_string();
    if l.dropped > 0 {
        let _ = write!(sub, " {} later steps not drawn (the text lines list more).", l.dropped);
    }
    let _ = writeln!(s, "<text x=\"16\" y=\"44\" fill=\"#555555\">{}</text>", esc(&sub));
    let _ = writeln!(s, "<line x1=\"16\" y1=\"54\" x2=\"{:.0}\" y2=\"54\" stroke=\"#dddddd\"/>", width - 16.0);
}

/// Lane headers and lines, the time axis with a tick per time, and the breaks.
fn lanes_and_axis(s: &mut String, l: &Lifeline, axis: &TimeAxis, bottom: f64, labels: &mut Labels) {
    for (i, name) in l.lanes.iter().enumerate() {
        let x = lane_x(i);
        let _ = writeln!(
            s,
            "<text x=\"{x:.1}\" y=\"{HEAD_Y}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{}</text>",
            esc(name)
        );
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#9a9a9a\" stroke-width=\"1.5\"/>",
            HEAD_Y + 10.0
        );
    }
    let right = lane_x(l.lanes.len().max(1) - 1) + 20.0;
    let _ = writeln!(
        s,
        "<line x1=\"{AXIS_X}\" y1=\"{:.1}\" x2=\"{AXIS_X}\" y2=\"{bottom:.1}\" stroke=\"#333333\"/>",
        HEAD_Y + 10.0
    );
    let _ = writeln!(s, "<text x=\"{AXIS_X}\" y=\"{HEAD_Y}\" text-anchor=\"end\" fill=\"#555555\">time</text>");
    for (t, y) in axis.ticks() {
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{right:.1}\" y2=\"{y:.1}\" stroke=\"#f0f0f0\"/><line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{AXIS_X}\" y2=\"{y:.1}\" stroke=\"#333333\"/>",
            AXIS_X,
            AXIS_X - 4.0
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\" fill=\"#333333\">{}</text>",
            AXIS_X - 7.0,
            y + 3.5,
            esc(&fmt_time(t))
        );
    }
    for &(y, gap) in &axis.breaks {
        // Long pauses get a band across the lanes; short ones a mark on the axis.
        let band = if gap >= 1_000_000 { right - AXIS_X + 90.0 } else { 94.0 };
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{band:.1}\" height=\"8\" fill=\"#eeeeee\"/>",
            AXIS_X - 90.0,
            y - 4.0
        );
        let text = format!("⋯ {} later", fmt_dur(gap));
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\" font-style=\"italic\" fill=\"#555555\">{}</text>",
            AXIS_X - 7.0,
            y + 3.5,
            esc(&text)
        );
        labels.reserve([AXIS_X - 90.0, y - 4.0, right, y + 4.0]);
    }
}

/// How far a level arrow (a hop whose ends share a time) bows down, so that arrows
/// from one point to different lanes, and an arrow arriving where another leaves, stay apart.
fn bulge(h: &Hop) -> f64 {
    (8.0 + 0.05 * (lane_x(h.to_lane) - lane_x(h.from_lane)).abs()).min(34.0)
}

fn arrow(s: &mut String, h: &Hop, axis: &TimeAxis, labels: &mut Labels) {
    let (x1, x2) = (lane_x(h.from_lane), lane_x(h.to_lane));
    if h.from_lane == h.to_lane {
        return;
    }
    let (y1, y2) = (axis.y(h.sent), axis.y(h.arrived));
    let c = hop_color(h.kind);
    let dash = if h.sent_exact && h.arrived_exact { "" } else { " stroke-dasharray=\"5,3\"" };
    // Stop short of the lane line so the head stays visible next to a dot.
    let dir = if x2 > x1 { 1.0 } else { -1.0 };
    let end = x2 - dir * 4.0;
    let style = format!("fill=\"none\" stroke=\"{c}\" stroke-width=\"1.6\"{dash} marker-end=\"url(#a{})\"", &c[1..]);
    let title = esc(&hop_words(h));
    if h.sent == h.arrived {
        let (xm, b) = ((x1 + x2) / 2.0, bulge(h));
        let _ = writeln!(
            s,
            "<path d=\"M{x1:.1},{y1:.1} Q{xm:.1},{:.1} {end:.1},{y2:.1}\" {style}><title>{title}</title></path>",
            y1 + 2.0 * b
        );
        labels.line((x1, y1), (xm, y1 + b));
        labels.line((xm, y1 + b), (x2, y2));
    } else {
        let _ = writeln!(
            s,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{end:.1}\" y2=\"{y2:.1}\" {style}><title>{title}</title></line>"
        );
        labels.line((x1, y1), (x2, y2));
    }
}

/// A hop's label: what went, and how long it took (at most that long when the send is a
/// lower bound; nothing when an end is unknown).
fn hop_words(h: &Hop) -> String {
    let d = h.arrived.0 - h.sent.0;
    match (h.sent_exact, h.arrived_exact, d) {
        (_, _, 0) => h.label(),
        (true, true, _) => format!("{} · {}", h.label(), fmt_dur(d)),
        (false, true, _) => format!("{} · ≤ {}", h.label(), fmt_dur(d)),
        (_, false, _) => format!("{} · ≥ {}", h.label(), fmt_dur(d)),
    }
}

fn hop_label(s: &mut String, h: &Hop, axis: &TimeAxis, labels: &mut Labels) {
    let (x1, x2) = (lane_x(h.from_lane), lane_x(h.to_lane));
    let (y1, y2) = (axis.y(h.sent), axis.y(h.arrived));
    let words = hop_words(h);
    // A level arrow bows down: its label hangs under the lowest point; others sit midway.
    let (x, y) = match h.sent == h.arrived {
        true => ((x1 + x2) / 2.0, y1 + bulge(h) + 12.0),
        false => ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 3.0),
    };
    let y = labels.place(&words, x, y, Anchor::Middle, false);
    let _ = writeln!(
        s,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
        hop_color(h.kind),
        esc(&words)
    );
}

fn mark(s: &mut String, text: &mut String, m: &Mark, axis: &TimeAxis, labels: &mut Labels) {
    let (x, y) = (lane_x(m.lane), axis.y(m.at));
    let c = mark_color(m.kind);
    let _ = writeln!(
        s,
        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\" fill=\"{c}\" stroke=\"#ffffff\" stroke-width=\"1\"><title>{}</title></circle>",
        esc(&m.text)
    );
    labels.reserve([x - 5.0, y - 5.0, x + 5.0, y + 5.0]);
    let mut words: String = m.text.chars().take(MAX_MARK_TEXT).collect();
    if m.text.chars().count() > MAX_MARK_TEXT {
        words.push('…');
    }
    let ty = labels.place(&words, x + 8.0, y + 4.0, Anchor::Start, true);
    let _ = writeln!(
        text,
        "<text x=\"{:.1}\" y=\"{ty:.1}\" fill=\"{c}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
        x + 8.0,
        esc(&words)
    );
}

/// One swatch per kind of hop drawn, and the dashed style; returns where it ends.
fn legend(l: &Lifeline, mut y: f64, width: f64) -> (String, f64) {
    let mut s = String::new();
    let mut x = 16.0;
    let mut seen = std::collections::BTreeSet::new();
    for h in &l.hops {
        if !seen.insert(h.kind.name()) {
            continue;
        }
        if x + 44.0 + text_width(h.kind.name()) > width - 160.0 {
            (x, y) = (16.0, y + 18.0);
        }
        let c = hop_color(h.kind);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{c}\" stroke-width=\"2\" marker-end=\"url(#a{})\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 26.0,
            &c[1..],
            x + 32.0,
            y + 4.0,
            h.kind.name()
        );
        x += 44.0 + text_width(h.kind.name());
    }
    let _ = writeln!(
        s,
        "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#555555\" stroke-width=\"1.6\" stroke-dasharray=\"5,3\"/><text x=\"{:.1}\" y=\"{:.1}\">an end not in the trace</text>",
        x + 26.0,
        x + 32.0,
        y + 4.0
    );
    (s, y)
}
