//! Layout for the lifeline SVG: a time axis that is linear within bursts of activity and
//! shortens idle gaps into labelled breaks (a message's hops take milliseconds, its
//! commit or re-drive may come seconds later), and a label placer that moves a label
//! down or up until it overlaps no label already placed.

use crate::sim::SimTime;
use std::collections::BTreeMap;

/// Pixels per millisecond inside a burst.
const PX_PER_MS: f64 = 22.0;
/// The least room between two distinct times (one line of text).
pub const ROW: f64 = 16.0;
/// Gaps that would be taller than this are drawn as a break instead.
const MAX_GAP: f64 = 110.0;
/// The height of a break.
const BREAK: f64 = 44.0;

/// Where each time of the diagram sits, and the breaks between bursts.
#[derive(Debug)]
pub struct TimeAxis {
    ys: BTreeMap<SimTime, f64>,
    /// (y of the break's middle, the gap it stands for in µs).
    pub breaks: Vec<(f64, u64)>,
}

impl TimeAxis {
    /// Places `times` from `top` down; `room[t]` extra pixels below time t for stacked
    /// labels.
    pub fn new(times: impl IntoIterator<Item = SimTime>, room: &BTreeMap<SimTime, f64>, top: f64) -> TimeAxis {
        let mut ys = BTreeMap::new();
        let mut breaks = Vec::new();
        let mut prev: Option<(SimTime, f64)> = None;
        let sorted: std::collections::BTreeSet<SimTime> = times.into_iter().collect();
        for t in sorted {
            let y = match prev {
                None => top,
                Some((p, py)) => {
                    let px = (t.0 - p.0) as f64 / 1000.0 * PX_PER_MS;
                    let floor = ROW + room.get(&p).copied().unwrap_or(0.0);
                    if px > MAX_GAP.max(floor) {
                        breaks.push((py + floor + BREAK / 2.0 - ROW / 2.0, t.0 - p.0));
                        py + floor + BREAK
                    } else {
                        py + px.max(floor)
                    }
                }
            };
            ys.insert(t, y);
            prev = Some((t, y));
        }
        TimeAxis { ys, breaks }
    }

    /// The y of a time given to `new` (others: of the nearest earlier one).
    pub fn y(&self, t: SimTime) -> f64 {
        self.ys.range(..=t).next_back().or(self.ys.iter().next()).map(|(_, y)| *y).unwrap_or(0.0)
    }

    /// The y of any time: between the two times around it in proportion; a little below
    /// the last one after it.
    pub fn y_at(&self, t: SimTime) -> f64 {
        let before = self.ys.range(..=t).next_back();
        let after = self.ys.range(t..).next();
        match (before, after) {
            (Some((a, ya)), Some((b, yb))) if b > a => ya + (yb - ya) * (t.0 - a.0) as f64 / (b.0 - a.0) as f64,
            (Some((_, y)), _) if t > self.ys.keys().next_back().copied().unwrap_or(t) => y + ROW,
            (Some((_, y)), _) | (None, Some((_, y))) => *y,
            (None, None) => 0.0,
        }
    }

    /// Every time with its y, in order.
    pub fn ticks(&self) -> impl Iterator<Item = (SimTime, f64)> + '_ {
        self.ys.iter().map(|(t, y)| (*t, *y))
    }

    /// The lowest y.
    pub fn bottom(&self) -> f64 {
        self.ys.values().copied().fold(0.0, f64::max)
    }
}

/// The width of a label in pixels at 11 px sans-serif, roughly.
pub fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 6.1
}

/// Places labels so that none overlaps another, and mark labels off the arrows where a
/// line up or down allows. Boxes are filed in a grid of cells so a busy diagram stays fast.
#[derive(Debug, Default)]
pub struct Labels {
    boxes: Vec<([f64; 4], bool)>,
    cells: BTreeMap<(i32, i32), Vec<usize>>,
}

/// Where a label hangs from its anchor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anchor {
    Start,
    Middle,
}

const CELL: f64 = 64.0;

fn cells_of(b: &[f64; 4]) -> impl Iterator<Item = (i32, i32)> {
    let (x0, x1) = ((b[0] / CELL).floor() as i32, (b[2] / CELL).floor() as i32);
    let (y0, y1) = ((b[1] / CELL).floor() as i32, (b[3] / CELL).floor() as i32);
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
}

impl Labels {
    /// Finds a free spot for `text` with baseline near (x, y): the same place, else
    /// shifted by whole lines down or up; with `off_lines`, first one that crosses no
    /// arrow either. Returns the baseline y.
    pub fn place(&mut self, text: &str, x: f64, y: f64, anchor: Anchor, off_lines: bool) -> f64 {
        let w = text_width(text);
        let x0 = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
        };
        let at = |s: f64| [x0 - 1.0, y + s * 13.0 - 10.0, x0 + w + 1.0, y + s * 13.0 + 3.0];
        let near = [0.0, 1.0, -1.0].into_iter().filter(|_| off_lines).map(|s| (s, true));
        let far = (0..24).map(|k| if k % 2 == 0 { (k / 2) as f64 } else { -((k / 2 + 1) as f64) }).map(|s| (s, false));
        let chosen = near.chain(far).find(|&(s, lines)| self.free(&at(s), lines)).map(|(s, _)| s).unwrap_or(0.0);
        self.add(at(chosen), false);
        y + chosen * 13.0
    }

    fn free(&self, b: &[f64; 4], lines: bool) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        for c in cells_of(b) {
            for &i in self.cells.get(&c).map(Vec::as_slice).unwrap_or(&[]) {
                let (o, line) = &self.boxes[i];
                if seen.insert(i) && (lines || !line) && overlaps(o, b) {
                    return false;
                }
            }
        }
        true
    }

    fn add(&mut self, b: [f64; 4], line: bool) {
        let i = self.boxes.len();
        self.boxes.push((b, line));
        for c in cells_of(&b) {
            self.cells.entry(c).or_default().push(i);
        }
    }

    /// Keeps a region free (a dot, a break).
    pub fn reserve(&mut self, b: [f64; 4]) {
        self.add(b, false);
    }

    /// Records an arrow from (x1, y1) to (x2, y2), which mark labels keep off if they can.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64)) {
        let steps = ((x2 - x1).hypot(y2 - y1) / 6.0).ceil().max(1.0) as usize;
        for k in 0..=steps {
            let f = k as f64 / steps as f64;
            let (x, y) = (x1 + (x2 - x1) * f, y1 + (y2 - y1) * f);
            self.add([x - 1.5, y - 1.5, x + 1.5, y + 1.5], true);
        }
    }
}

fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_are_linear_and_long_gaps_become_breaks() {
        let ts = [SimTime(100_000), SimTime(101_000), SimTime(103_000), SimTime(5_000_000)];
        let a = TimeAxis::new(ts, &BTreeMap::new(), 50.0);
        let (y0, y1, y2, y3) = (a.y(ts[0]), a.y(ts[1]), a.y(ts[2]), a.y(ts[3]));
        assert!((y2 - y1 - 2.0 * (y1 - y0)).abs() < 1e-6, "1 ms and 2 ms steps keep their ratio");
        assert_eq!(a.breaks.len(), 1);
        assert!(y3 - y2 <= MAX_GAP, "the 4.9 s gap is shortened");
        assert_eq!(a.breaks[0].1, 4_897_000);
    }

    #[test]
    fn close_times_still_get_a_line_each() {
        let a = TimeAxis::new([SimTime(10), SimTime(11)], &BTreeMap::new(), 0.0);
        assert!(a.y(SimTime(11)) - a.y(SimTime(10)) >= ROW);
    }

    #[test]
    fn a_label_that_would_overlap_moves_to_a_free_line() {
        let mut l = Labels::default();
        let a = l.place("produce orders-0", 100.0, 50.0, Anchor::Middle, false);
        let b = l.place("replicate orders-0", 100.0, 50.0, Anchor::Middle, false);
        assert_eq!(a, 50.0);
        assert!((b - a).abs() >= 13.0);
        let c = l.place("far away", 600.0, 50.0, Anchor::Start, false);
        assert_eq!(c, 50.0);
    }

    #[test]
    fn a_mark_label_moves_off_an_arrow_a_hop_label_stays_on_it() {
        let mut l = Labels::default();
        l.line((0.0, 46.0), (400.0, 46.0));
        assert_eq!(l.place("hop", 200.0, 50.0, Anchor::Middle, false), 50.0);
        let m = l.place("append orders-0@1", 20.0, 50.0, Anchor::Start, true);
        assert_ne!(m, 50.0, "the label would cross the arrow");
    }
}
