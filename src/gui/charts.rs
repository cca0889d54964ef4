//! Live charts: rates, lag per consumer, queue depths, the smallest ISR and log depth, one
//! quantity per chart. Samples are taken at every `SAMPLE_US` point the simulation crosses,
//! however time advances (play, step, next). Legends are coloured labels above each plot,
//! never over the data; y ranges have a floor so that noise (a lag of 0 or 1) stays flat.

use super::colors::PALETTE;
use super::sample::Sample;
use super::state::Loaded;
use bevy_egui::egui::{self, Color32, RichText};
use egui_plot::{Line, Plot, PlotPoints}; // chart lines take the scene's colours

/// One line of a chart: a name, a colour and the runs of points where it has values.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend text, with the latest value.
    pub name: String,
    /// Its colour (legend and line).
    pub color: Color32,
    /// Runs of consecutive points; a gap where the quantity does not exist.
    pub segments: Vec<Vec<[f64; 2]>>,
}

/// One chart: a title, a y range and its lines (all of one quantity).
#[derive(Clone, Debug)]
pub struct Chart {
    /// Id and title.
    pub title: &'static str,
    /// The top of the y axis at least (the data may go higher).
    pub y_floor: f64,
    /// The lines.
    pub series: Vec<Series>,
}

/// Splits `(t, value)` points into runs where the value exists.
pub fn segments(points: impl Iterator<Item = (f64, Option<f64>)>) -> Vec<Vec<[f64; 2]>> {
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut open = false;
    for (t, v) in points {
        match v {
            Some(v) if open => out.last_mut().expect("open run").push([t, v]),
            Some(v) => {
                out.push(vec![[t, v]]);
                open = true;
            }
            None => open = false,
        }
    }
    out
}

fn series(i: usize, label: &str, segs: Vec<Vec<[f64; 2]>>, unit: &str) -> Series {
    let now = segs.last().and_then(|s| s.last()).map(|p| format!("{:.0}{unit}", p[1]));
    let name = format!("{label} ({})", now.unwrap_or_else(|| "—".into()));
    Series { name, color: PALETTE[i % PALETTE.len()], segments: segs }
}

/// The charts for the samples so far.
pub fn charts_of(l: &Loaded) -> Vec<Chart> {
    let s: Vec<_> = l.samples.iter().collect();
    let sim = &l.sim;
    // Per second over the last second of samples (4 samples), so it reads as a rate.
    let rate = |f: &dyn Fn(&Sample) -> u64| -> Vec<Vec<[f64; 2]>> {
        let pts = s.windows(5).map(|w| (w[4].t, Some((f(w[4]) as f64 - f(w[0]) as f64) / (w[4].t - w[0].t).max(1e-6))));
        segments(pts)
    };
    let mut out = vec![Chart {
        title: "records per second",
        y_floor: 10.0,
        series: vec![
            series(0, "produced", rate(&|x| x.produced), "/s"),
            series(1, "consumed", rate(&|x| x.consumed), "/s"),
        ],
    }];
    let consumers: Vec<String> = sim.consumers().map(|(id, _)| sim.names().node(id.0).to_string()).collect();
    if !consumers.is_empty() {
        let lines = consumers.iter().enumerate().map(|(i, name)| {
            let pts = s.iter().map(|x| (x.t, x.lag.get(i).copied().flatten().map(|v| v as f64)));
            series(i, name, segments(pts), "")
        });
        out.push(Chart { title: "lag (records)", y_floor: 10.0, series: lines.collect() });
    }
    if let Some((_, r)) = sim.rabbit() {
        let lines = r.queues.keys().enumerate().map(|(i, name)| {
            let pts = s.iter().map(|x| (x.t, x.queues.get(i).map(|&v| v as f64)));
            series(i, name, segments(pts), "")
        });
        out.push(Chart { title: "ready messages per queue", y_floor: 10.0, series: lines.collect() });
    }
    if sim.cluster().brokers > 0 {
        let rf = sim.cluster().topics.iter().map(|t| t.replication_factor).max().unwrap_or(1);
        let isr = segments(s.iter().map(|x| (x.t, x.min_isr.map(|v| v as f64))));
        out.push(Chart {
            title: "smallest ISR (brokers)",
            y_floor: rf as f64,
            series: vec![series(0, "smallest ISR", isr, "")],
        });
        let depth = segments(s.iter().map(|x| (x.t, Some(x.depth as f64))));
        out.push(Chart {
            title: "log depth (records kept)",
            y_floor: 10.0,
            series: vec![series(2, "in leader logs", depth, "")],
        });
    }
    out
}

/// Coloured legend labels on one line above a plot.
fn legend(ui: &mut egui::Ui, c: &Chart) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(c.title).strong().small());
        for s in &c.series {
            ui.label(RichText::new(format!("■ {}", s.name)).small().color(s.color));
        }
    });
}

/// Draws the charts (right panel).
pub fn charts(ui: &mut egui::Ui, l: &Loaded) {
    ui.heading("Charts");
    for c in charts_of(l) {
        legend(ui, &c);
        let plot = Plot::new(c.title)
            .height(90.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .include_y(0.0)
            .include_y(c.y_floor);
        plot.show(ui, |p| {
            for s in &c.series {
                for seg in &s.segments {
                    p.line(Line::new(s.name.clone(), PlotPoints::from(seg.clone())).color(s.color));
                }
            }
        });
    }
}
