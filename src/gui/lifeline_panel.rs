//! The lifeline window: a message's (or a key's) life as a space-time diagram, drawn as
//! `brokerlab run --lifeline --svg` draws it — nodes as vertical lanes, time downwards
//! (idle gaps shortened into breaks), each hop an arrow coloured by kind, dashed where the
//! trace does not record an end, marks as dots — and synced with the timeline: a line at
//! now, what comes later faded, a hop under way drawn solid up to now. Clicking a step goes
//! to its time; the window scrolls to now when now moves.

use super::controls::Asked;
use super::lifeline_view::LifelineView;
use super::playback::Command;
use crate::runner::lifeline::model::{Hop, Lifeline, Mark, fmt_dur, fmt_time};
use crate::runner::lifeline::svg::{hop_color, mark_color, time_axis};
use crate::runner::lifeline::svg_layout::{Anchor, Labels, TimeAxis, text_width};
use crate::sim::SimTime;
use bevy_egui::egui::{self, Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Shape, Stroke, pos2, vec2};

/// Left margin for the time labels.
const AXIS_W: f32 = 86.0;
/// Least room right of the last lane (more when its marks' words need it).
const RIGHT_W: f32 = 130.0;
/// Where the first time sits, below the lane names.
const TOP: f64 = 54.0;

/// "#1f6fb4" as a colour, lightened: the SVG's colours are for white paper, the app is dark.
fn hex(s: &str) -> Color32 {
    let v = u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap_or(0x888888);
    Color32::from_rgb((v >> 16) as u8, (v >> 8) as u8, v as u8).lerp_to_gamma(Color32::WHITE, 0.35)
}

/// Draws the window while `view` is open; clears it when closed.
pub fn window(ctx: &egui::Context, view: &mut Option<LifelineView>, now: SimTime, asked: &mut Asked) {
    let Some(v) = view.as_mut() else { return };
    let mut open = true;
    let screen = ctx.content_rect();
    // Above the timeline bar and the log, so the bar stays in reach.
    let size = vec2((screen.width() * 0.5).clamp(420.0, 760.0), (screen.height() - 96.0 - 270.0).clamp(240.0, 560.0));
    egui::Window::new(format!("Lifeline of {}", v.id))
        .id(egui::Id::new("lifeline-window"))
        .open(&mut open)
        .default_size(size)
        .default_pos(pos2(screen.right() - size.x - 24.0, screen.top() + 96.0))
        .resizable(true)
        .show(ctx, |ui| body(ui, v, now, asked));
    if !open {
        *view = None;
    }
}

fn body(ui: &mut egui::Ui, v: &mut LifelineView, now: SimTime, asked: &mut Asked) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new("Lanes are nodes, time runs down; arrows are hops, dots what happened on a node. Dashed: an end the trace does not record. Click a step to go there.")
                .small(),
        );
        if ui.small_button("Save as SVG").on_hover_text("Write this diagram beside the session file").clicked() {
            asked.commands.push(Command::SaveLifeline(v.id.clone()));
        }
    });
    match &v.life {
        None => {
            ui.spinner();
            ui.label("Re-running the timeline up to now…");
        }
        Some(Err(e)) => {
            ui.label(RichText::new(e).color(Color32::from_rgb(255, 150, 120)));
        }
        Some(Ok(life)) => {
            let moved = v.shown_now != Some(now);
            v.shown_now = Some(now);
            egui::ScrollArea::both().id_salt("lifeline-scroll").auto_shrink([false, false]).show(ui, |ui| {
                diagram(ui, life, now, moved, asked);
            });
        }
    }
}

/// Where things are: lanes across, the time axis down, from the diagram's top-left.
struct Frame {
    origin: Pos2,
    lane_w: f32,
    axis: TimeAxis,
}

impl Frame {
    fn x(&self, lane: usize) -> f32 {
        self.origin.x + AXIS_W + self.lane_w * (lane as f32 + 0.5)
    }
    fn y(&self, t: SimTime) -> f32 {
        self.origin.y + self.axis.y(t) as f32
    }
    fn y_at(&self, t: SimTime) -> f32 {
        self.origin.y + self.axis.y_at(t) as f32
    }
}

fn diagram(ui: &mut egui::Ui, life: &Lifeline, now: SimTime, scroll: bool, asked: &mut Asked) {
    let (hops, marks) = (&life.hops, &life.marks);
    let axis = time_axis(life, TOP);
    let lanes = life.lanes.len().max(1);
    // Room right of the last lane for the words of its marks.
    let last = life.lanes.len().saturating_sub(1);
    let words = marks.iter().filter(|m| m.lane == last).map(|m| text_width(&m.text) as f32 + 16.0);
    let right_w = words.fold(RIGHT_W, f32::max);
    let lane_w = ((ui.available_width() - AXIS_W - right_w) / lanes as f32).clamp(100.0, 220.0);
    let size = vec2(AXIS_W + lane_w * lanes as f32 + right_w, axis.bottom() as f32 + 40.0);
    let (rect, resp) = ui.allocate_exact_size(size, Sense::click());
    let f = Frame { origin: rect.min, lane_w, axis };
    let p = ui.painter_at(rect);
    let font = FontId::proportional(11.0);
    for i in 0..life.lanes.len() {
        let x = f.x(i);
        p.line_segment([pos2(x, rect.top() + 24.0), pos2(x, rect.bottom())], Stroke::new(1.0, Color32::from_gray(90)));
    }
    time_labels(&p, &f, &font);
    let y_now = f.y_at(now);
    let mut placed = Labels::default();
    let mut hits: Vec<(Rect, SimTime, String)> = Vec::new();
    for h in hops {
        hits.push(hop(&p, &f, h, now, &mut placed, &font));
    }
    for m in marks {
        hits.push(mark(&p, &f, m, now, &mut placed, &font));
    }
    // Faint, so the steps it crosses stay readable; its label on a plate.
    let now_color = Color32::from_rgba_unmultiplied(255, 255, 255, 110);
    p.line_segment([pos2(rect.left() + AXIS_W, y_now), pos2(rect.right(), y_now)], Stroke::new(1.0, now_color));
    let right = ui.clip_rect().right().min(rect.right());
    let galley = p.layout_no_wrap(format!("now {now}"), font, Color32::WHITE);
    let plate = Rect::from_min_size(
        pos2(right - galley.size().x - 8.0, y_now - galley.size().y - 3.0),
        galley.size() + vec2(6.0, 2.0),
    );
    p.rect_filled(plate, 2.0, Color32::from_rgb(70, 70, 90));
    p.galley(plate.min + vec2(3.0, 1.0), galley, Color32::WHITE);
    lane_names(ui, &p, &f, rect, &life.lanes);
    if scroll {
        ui.scroll_to_rect(Rect::from_center_size(pos2(rect.center().x, y_now), vec2(10.0, 120.0)), None);
    }
    let hit = resp.hover_pos().and_then(|pos| hits.iter().find(|(r, _, _)| r.contains(pos)));
    if let Some((_, at, text)) = hit {
        let tip = format!("{}: {text}\nclick to go there", fmt_time(*at));
        if resp.clicked() {
            asked.commands.push(Command::Seek(*at));
        }
        resp.on_hover_text(tip);
    }
}

/// The lane names, kept at the top of the visible part when the diagram scrolls down.
fn lane_names(ui: &egui::Ui, p: &egui::Painter, f: &Frame, rect: Rect, lanes: &[String]) {
    let top = ui.clip_rect().top().max(rect.top());
    p.rect_filled(
        Rect::from_min_max(pos2(rect.left(), top), pos2(rect.right(), top + 24.0)),
        0.0,
        ui.visuals().window_fill,
    );
    for (i, name) in lanes.iter().enumerate() {
        p.text(pos2(f.x(i), top + 12.0), Align2::CENTER_CENTER, name, FontId::proportional(12.0), Color32::WHITE);
    }
}

/// The time of each step on the left, where there is room, and the breaks.
fn time_labels(p: &egui::Painter, f: &Frame, font: &FontId) {
    let gray = Color32::from_gray(150);
    let mut last = f32::MIN;
    for (t, y) in f.axis.ticks() {
        let y = f.origin.y + y as f32;
        if y - last >= 13.0 {
            p.text(pos2(f.origin.x + AXIS_W - 6.0, y), Align2::RIGHT_CENTER, fmt_time(t), font.clone(), gray);
            last = y;
        }
    }
    for (y, gap) in &f.axis.breaks {
        let y = f.origin.y + *y as f32;
        let x1 = f.origin.x + AXIS_W + f.lane_w * 0.1;
        let x2 = f.x(0).max(x1) + f.lane_w * 20.0;
        p.add(Shape::dashed_line(&[pos2(x1, y), pos2(x2, y)], Stroke::new(1.0, gray), 3.0, 4.0));
        p.text(pos2(f.origin.x + 4.0, y), Align2::LEFT_CENTER, format!("{} later", fmt_dur(*gap)), font.clone(), gray);
    }
}

/// Fades what comes after now.
fn faded(c: Color32, later: bool) -> Color32 {
    if later { c.gamma_multiply(0.3) } else { c }
}

/// An arrow; solid up to now, faded after; its label; returns where hovering finds it.
fn hop(
    p: &egui::Painter,
    f: &Frame,
    h: &Hop,
    now: SimTime,
    placed: &mut Labels,
    font: &FontId,
) -> (Rect, SimTime, String) {
    let c = hex(hop_color(h.kind));
    let (a, b) = (pos2(f.x(h.from_lane), f.y(h.sent)), pos2(f.x(h.to_lane), f.y(h.arrived)));
    let dashed = !(h.sent_exact && h.arrived_exact);
    let line = |from: Pos2, to: Pos2, color: Color32| {
        let s = Stroke::new(1.6, color);
        if dashed {
            p.add(Shape::dashed_line(&[from, to], s, 5.0, 3.0));
        } else {
            p.line_segment([from, to], s);
        }
    };
    let split = if h.arrived <= now {
        1.0
    } else if h.sent > now {
        0.0
    } else {
        let span = (h.arrived.0 - h.sent.0).max(1) as f32;
        (now.0 - h.sent.0) as f32 / span
    };
    let mid = a + (b - a) * split;
    line(a, mid, c);
    line(mid, b, faded(c, true));
    let dir = (b - a).normalized();
    let head = [b, b - dir * 8.0 + dir.rot90() * 3.5, b - dir * 8.0 - dir.rot90() * 3.5];
    p.add(Shape::convex_polygon(head.to_vec(), faded(c, h.arrived > now), Stroke::NONE));
    let label = h.label();
    let took = h.arrived.0 - h.sent.0;
    let text = if h.sent_exact && h.arrived_exact && took > 0 { format!("{label} ({})", fmt_dur(took)) } else { label };
    let center = a + (b - a) * 0.5;
    let y = placed.place(&text, center.x as f64, center.y as f64 - 3.0, Anchor::Middle, false) as f32;
    let r = p.text(pos2(center.x, y), Align2::CENTER_BOTTOM, &text, font.clone(), faded(c, h.sent > now));
    let how = if dashed { " (an end not recorded: earliest possible time)" } else { "" };
    (r.expand(2.0), h.arrived, format!("{text}{how}"))
}

/// A dot on its lane with a few words beside it.
fn mark(
    p: &egui::Painter,
    f: &Frame,
    m: &Mark,
    now: SimTime,
    placed: &mut Labels,
    font: &FontId,
) -> (Rect, SimTime, String) {
    let c = faded(hex(mark_color(m.kind)), m.at > now);
    let at = pos2(f.x(m.lane), f.y(m.at));
    p.circle_filled(at, 4.0, c);
    placed.reserve([at.x as f64 - 4.0, at.y as f64 - 4.0, at.x as f64 + 4.0, at.y as f64 + 4.0]);
    let y = placed.place(&m.text, at.x as f64 + 7.0, at.y as f64 + 4.0, Anchor::Start, true) as f32;
    let words = faded(Color32::from_gray(210), m.at > now);
    let r = p.text(pos2(at.x + 7.0, y), Align2::LEFT_BOTTOM, &m.text, font.clone(), words);
    (r.union(Rect::from_center_size(at, vec2(10.0, 10.0))), m.at, m.text.clone())
}
