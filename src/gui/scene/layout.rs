//! Where things go on the scene, as a pure function of the area and the cluster's shape:
//! ZooKeeper on top (Kafka only), producers and publishers in the left column, brokers (and
//! the RabbitMQ node) in a grid in the middle sized to their rows, consumers in the right
//! column boxed by consumer group. A client is a card: a small mark and its words beside it,
//! cut to the column's width. Unit-tested without a window.

use bevy_egui::egui::{Pos2, Rect, Vec2, pos2, vec2};

/// Height of one replica row inside a broker box.
pub const ROW_H: f32 = 54.0;
/// Height of a broker box's title bar.
pub const HEADER_H: f32 = 30.0;
/// Height of one line of a client card.
pub const LINE_H: f32 = 13.0;
/// Height of a consumer group box's title.
pub const GROUP_HEADER_H: f32 = 30.0;

/// The shape of what the scene shows.
#[derive(Clone, Debug, Default)]
pub struct SceneShape {
    /// A Kafka cluster (with ZooKeeper) is shown.
    pub zookeeper: bool,
    /// Rows per box: brokers in order, then the RabbitMQ node.
    pub boxes: Vec<usize>,
    /// The last box is the RabbitMQ node: beside Kafka brokers it gets a column of its own
    /// on the right, so the two systems read left and right.
    pub rabbit: bool,
    /// Clients on the left.
    pub left: usize,
    /// Lines each left card wants.
    pub left_lines: usize,
    /// The right column, top to bottom: (boxed as a consumer group, members).
    pub right: Vec<(bool, usize)>,
    /// Lines each right card wants.
    pub right_lines: usize,
}

/// The positions of everything on the scene.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneLayout {
    /// The ZooKeeper box (Kafka scenarios).
    pub zookeeper: Option<Rect>,
    /// Broker boxes, by broker index (broker-1 first), then the RabbitMQ box.
    pub brokers: Vec<Rect>,
    /// Left card marks (centres).
    pub producers: Vec<Pos2>,
    /// Right card marks (centres), in column order.
    pub consumers: Vec<Pos2>,
    /// One box per boxed right entry, in order.
    pub group_boxes: Vec<Rect>,
    /// Radius of client marks.
    pub client_radius: f32,
    /// The left column.
    pub left_col: Rect,
    /// The right column.
    pub right_col: Rect,
    /// Lines a left card may use.
    pub left_lines: usize,
    /// Lines a right card may use.
    pub right_lines: usize,
}

impl SceneLayout {
    /// Where a card's words start and how wide they may be, for a mark at `c`.
    pub fn card_text(&self, c: Pos2) -> (Pos2, f32) {
        let (col, lines) = if c.x < self.left_col.right() {
            (self.left_col, self.left_lines)
        } else {
            (self.right_col, self.right_lines)
        };
        let x = c.x + self.client_radius + 6.0;
        let top = c.y - self.client_radius.max(lines as f32 * LINE_H * 0.5);
        (pos2(x, top), (col.right() - x - 2.0).max(10.0))
    }
}

fn card_h(lines: usize, r: f32) -> f32 {
    // Small marks mean a crowded column: the cards sit closer too.
    let pad = if r < 8.0 { 3.0 } else { 8.0 };
    (lines as f32 * LINE_H).max(2.0 * r) + pad
}

/// Fits cards of `lines` lines into `height`: fewer lines first, then a smaller mark.
fn fit_cards(height: f32, cards: usize, headers: usize, lines: usize) -> (usize, f32) {
    let fixed = headers as f32 * (GROUP_HEADER_H + 8.0);
    for (l, r) in [(lines, 11.0), (lines.min(2), 10.0), (lines.min(2), 7.0), (1, 7.0)] {
        if fixed + cards as f32 * card_h(l, r) <= height {
            return (l, r);
        }
    }
    (1, 6.0)
}

/// Lays out the scene in `area`.
pub fn layout(area: Rect, s: &SceneShape) -> SceneLayout {
    let pad = 8.0;
    let left_w = (area.width() * 0.16).clamp(110.0, 200.0);
    let right_w = (area.width() * 0.21).clamp(130.0, 270.0);
    let left_col =
        Rect::from_min_max(pos2(area.left() + pad, area.top() + pad), pos2(area.left() + left_w, area.bottom() - pad));
    let right_col = Rect::from_min_max(
        pos2(area.right() - right_w, area.top() + pad),
        pos2(area.right() - pad, area.bottom() - pad),
    );
    let mid = Rect::from_min_max(
        pos2(left_col.right() + 24.0, area.top() + pad),
        pos2(right_col.left() - 24.0, area.bottom() - pad),
    );
    let beside = s.rabbit && s.boxes.len() > 1;
    let kafka_n = s.boxes.len() - usize::from(beside);
    let zk_h = if s.zookeeper { ZK_H + ZK_GAP } else { 0.0 };
    let cols = grid_cols(kafka_n, vec2(mid.width(), mid.height() - zk_h), beside);
    // Beside Kafka, the RabbitMQ node takes one more column, as wide as a broker's.
    let kafka = if beside {
        let cell = (mid.width() - BESIDE_GAP - GRID_GAP * (cols as f32 - 1.0)) / (cols as f32 + 1.0);
        Rect::from_min_max(mid.min, pos2(mid.right() - cell - BESIDE_GAP, mid.bottom()))
    } else {
        mid
    };
    let zk_w = (kafka.width() * 0.5).clamp(200.0, 560.0);
    let zookeeper = s.zookeeper.then(|| {
        Rect::from_min_size(pos2(kafka.center().x - zk_w * 0.5, kafka.top()), vec2(zk_w.min(kafka.width()), ZK_H))
    });
    let grid_top = zookeeper.map(|z| z.bottom() + ZK_GAP).unwrap_or(mid.top());
    let mut brokers = grid(Rect::from_min_max(pos2(kafka.left(), grid_top), kafka.max), &s.boxes[..kafka_n], cols);
    if beside {
        // No ZooKeeper over RabbitMQ: its column runs the full height.
        let area = Rect::from_min_max(pos2(kafka.right() + BESIDE_GAP, mid.top()), mid.max);
        let h = box_height(s.boxes[kafka_n]).min(area.height());
        brokers.push(Rect::from_min_size(pos2(area.left(), area.center().y - h * 0.5), vec2(area.width(), h)));
    }

    let (ll, lr) = fit_cards(left_col.height(), s.left, 0, s.left_lines);
    let right_cards: usize = s.right.iter().map(|e| e.1).sum();
    let headers = s.right.iter().filter(|e| e.0).count();
    let (rl, rr) = fit_cards(right_col.height(), right_cards, headers, s.right_lines);
    let r = lr.min(rr);
    let producers = spread(left_col, s.left, card_h(ll, r));
    let (consumers, group_boxes) = right_column(right_col, &s.right, card_h(rl, r), r);
    SceneLayout {
        zookeeper,
        brokers,
        producers,
        consumers,
        group_boxes,
        client_radius: r,
        left_col,
        right_col,
        left_lines: ll,
        right_lines: rl,
    }
}

/// Cards spread evenly down a column (at most twice their height apart).
fn spread(col: Rect, n: usize, h: f32) -> Vec<Pos2> {
    let step = (col.height() / n.max(1) as f32).min(h * 2.0).max(h);
    let top = col.top() + ((col.height() - step * n as f32) * 0.5).max(0.0);
    (0..n).map(|i| pos2(col.left() + 14.0, top + step * i as f32 + h * 0.5)).collect()
}

fn right_column(col: Rect, entries: &[(bool, usize)], h: f32, r: f32) -> (Vec<Pos2>, Vec<Rect>) {
    let gap = 8.0;
    let need: f32 =
        entries.iter().map(|&(boxed, n)| n as f32 * h + if boxed { GROUP_HEADER_H + gap } else { 0.0 }).sum();
    let spare = (col.height() - need).max(0.0);
    let extra = (spare / entries.len().max(1) as f32).min(h);
    let mut y = col.top() + ((spare - extra * entries.len() as f32) * 0.5).max(0.0);
    let (mut marks, mut boxes) = (Vec::new(), Vec::new());
    for &(boxed, n) in entries {
        let top = y;
        y += extra * 0.5;
        if boxed {
            y += GROUP_HEADER_H;
        }
        for _ in 0..n {
            marks.push(pos2(col.left() + 8.0 + r, y + h * 0.5));
            y += h;
        }
        if boxed {
            boxes.push(Rect::from_min_max(pos2(col.left(), top), pos2(col.right(), y + 2.0)));
            y += gap;
        }
        y += extra * 0.5;
    }
    (marks, boxes)
}

/// Height of the ZooKeeper box over the brokers, and the space under it.
const ZK_H: f32 = 50.0;
const ZK_GAP: f32 = 22.0;
/// Space between broker boxes.
const GRID_GAP: f32 = 16.0;
/// Space between the Kafka brokers and the RabbitMQ node beside them.
const BESIDE_GAP: f32 = 28.0;

/// The narrowest broker box whose name, HW and LEO still read.
const READABLE_W: f32 = 140.0;

/// Columns of the broker grid: one row up to three brokers, then two or three columns;
/// fewer, in more rows, where boxes that wide would not read (a half-width comparison), as
/// long as each box still shows a replica row; else the widest that does. `room`: the
/// grid's width and height; `beside`: the RabbitMQ node takes one more cell of the row.
fn grid_cols(n: usize, room: Vec2, beside: bool) -> usize {
    let most = match n {
        0..=3 => n.max(1),
        4 => 2,
        _ => 3,
    };
    let wide_enough = |c: usize| {
        let gaps = GRID_GAP * (c as f32 - 1.0) + if beside { BESIDE_GAP } else { 0.0 };
        (room.x - gaps) / (c + usize::from(beside)) as f32 >= READABLE_W
    };
    let row_shows = |c: usize| {
        let rows = n.div_ceil(c).max(1) as f32;
        (room.y - GRID_GAP * (rows - 1.0)) / rows >= box_height(1)
    };
    let readable = (1..=most).rev().find(|&c| wide_enough(c) && row_shows(c));
    readable.or_else(|| (1..=most).find(|&c| row_shows(c))).unwrap_or(most)
}

/// A box as tall as its rows.
fn box_height(rows: usize) -> f32 {
    HEADER_H + ROW_H * rows.max(1) as f32 + 6.0
}

/// Broker boxes in a grid of `cols` columns, each as tall as its rows.
fn grid(mid: Rect, rows_per_box: &[usize], cols: usize) -> Vec<Rect> {
    let n = rows_per_box.len();
    let rows = n.div_ceil(cols).max(1);
    let gap = GRID_GAP;
    let cell_w = ((mid.width() - gap * (cols as f32 - 1.0)) / cols as f32).clamp(60.0, 430.0);
    let cell_h = ((mid.height() - gap * (rows as f32 - 1.0)) / rows as f32).max(HEADER_H + 10.0);
    let height = |i: usize| box_height(rows_per_box[i]).min(cell_h);
    let row_h: Vec<f32> =
        (0..rows).map(|r| (r * cols..((r + 1) * cols).min(n)).map(height).fold(0.0, f32::max)).collect();
    let total_h = row_h.iter().sum::<f32>() + gap * (rows as f32 - 1.0);
    let total_w = cell_w * cols as f32 + gap * (cols as f32 - 1.0);
    let y0 = mid.top() + ((mid.height() - total_h) * 0.5).max(0.0);
    let x0 = mid.left() + ((mid.width() - total_w) * 0.5).max(0.0);
    (0..n)
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            let y = y0 + row_h[..r].iter().sum::<f32>() + gap * r as f32;
            Rect::from_min_size(pos2(x0 + c as f32 * (cell_w + gap), y), vec2(cell_w, height(i)))
        })
        .collect()
}

/// The rectangle of replica row `i` inside a broker box.
pub fn replica_row(broker: Rect, i: usize) -> Rect {
    Rect::from_min_size(
        broker.min + vec2(6.0, HEADER_H + ROW_H * i as f32),
        Vec2::new(broker.width() - 12.0, ROW_H - 4.0),
    )
}

/// How many rows fit in a box.
pub fn rows_that_fit(broker: Rect) -> usize {
    (((broker.height() - HEADER_H - 2.0) / ROW_H).floor().max(0.0)) as usize
}

#[cfg(test)]
mod tests {
    use crate::gui::scene::layout::*;

    fn area(w: f32, h: f32) -> Rect {
        Rect::from_min_size(pos2(0.0, 0.0), vec2(w, h))
    }

    fn shape(boxes: usize, right: Vec<(bool, usize)>) -> SceneShape {
        SceneShape {
            zookeeper: true,
            boxes: vec![4; boxes],
            rabbit: false,
            left: 3,
            left_lines: 2,
            right,
            right_lines: 3,
        }
    }

    #[test]
    fn brokers_do_not_overlap_and_stay_inside_the_area() {
        for (w, h) in [(700.0, 420.0), (1100.0, 700.0), (1500.0, 800.0)] {
            for n in 1..=9 {
                let l = layout(area(w, h), &shape(n, vec![(true, 2)]));
                assert_eq!(l.brokers.len(), n);
                for (i, a) in l.brokers.iter().enumerate() {
                    assert!(area(w, h).contains_rect(*a), "broker {i} of {n} outside: {a:?}");
                    assert!(a.left() > l.left_col.right() && a.right() < l.right_col.left(), "broker {i} in a column");
                    for b in &l.brokers[i + 1..] {
                        assert!(!a.intersects(*b), "{n} brokers: {a:?} overlaps {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn cards_fit_their_column_without_touching() {
        for (w, h) in [(700.0, 420.0), (1100.0, 700.0)] {
            let l = layout(area(w, h), &shape(3, vec![(true, 3), (true, 3), (false, 1)]));
            assert_eq!(l.consumers.len(), 7);
            assert_eq!(l.group_boxes.len(), 2);
            let card = card_h(l.right_lines, l.client_radius) - 1.0;
            assert!(l.consumers.windows(2).all(|w| w[1].y - w[0].y >= card), "{:?}", l.consumers);
            assert!(l.consumers.iter().all(|c| l.right_col.expand(1.0).contains(*c)));
            assert!(!l.group_boxes[0].intersects(l.group_boxes[1]));
            assert!(l.group_boxes.iter().all(|b| l.right_col.expand(1.0).contains_rect(*b)), "{:?}", l.group_boxes);
        }
    }

    #[test]
    fn producers_left_consumers_right_zookeeper_on_top() {
        let l = layout(area(1100.0, 700.0), &shape(3, vec![(false, 2)]));
        let left = l.brokers.iter().map(|b| b.left()).fold(f32::MAX, f32::min);
        let right = l.brokers.iter().map(|b| b.right()).fold(f32::MIN, f32::max);
        assert!(l.producers.iter().all(|p| p.x + l.client_radius < left));
        assert!(l.consumers.iter().all(|c| c.x - l.client_radius > right));
        let zk = l.zookeeper.unwrap();
        assert!(l.brokers.iter().all(|b| b.top() > zk.bottom()));
        assert!(l.producers.windows(2).all(|w| w[0].y < w[1].y));
    }

    #[test]
    fn kafka_brokers_on_the_left_and_rabbitmq_on_the_right_when_both_are_shown() {
        for (w, h, n) in [(1030.0, 480.0, 3), (880.0, 560.0, 3), (1100.0, 700.0, 1), (1300.0, 700.0, 4)] {
            let s = SceneShape { boxes: [vec![3; n], vec![2]].concat(), rabbit: true, ..shape(0, vec![(true, 2)]) };
            let l = layout(area(w, h), &s);
            let (kafka, rabbit) = l.brokers.split_at(n);
            let rabbit = rabbit[0];
            assert!(kafka.iter().all(|b| b.right() + 20.0 < rabbit.left()), "{w}×{h}: {kafka:?} | {rabbit:?}");
            assert!(l.zookeeper.unwrap().right() < rabbit.left(), "ZooKeeper sits over Kafka only");
            assert!(rabbit.right() < l.right_col.left() && area(w, h).contains_rect(rabbit));
            assert!(kafka.iter().all(|b| rabbit.width() <= b.width() + 1.0 && area(w, h).contains_rect(*b)));
        }
        let alone = layout(area(1100.0, 700.0), &SceneShape { boxes: vec![2], rabbit: true, ..shape(0, vec![]) });
        assert!(alone.brokers[0].center().x > 400.0 && alone.brokers[0].center().x < 700.0, "a lone node is centred");
    }

    #[test]
    fn a_half_width_comparison_stacks_brokers_instead_of_squeezing_them() {
        // One of two timelines side by side on a 1280 px screen: about 515 px each.
        let l = layout(area(515.0, 410.0), &shape(3, vec![(false, 1)]));
        assert!(l.brokers.iter().all(|b| b.width() >= READABLE_W), "{:?}", l.brokers);
        assert!(l.brokers.windows(2).all(|w| w[1].top() > w[0].top()), "one above the other");
        assert!(l.brokers.iter().all(|b| rows_that_fit(*b) >= 1), "each shows a replica row");
        // Too short for three rows of boxes: two columns, each box still showing a row.
        let short = layout(area(515.0, 350.0), &shape(3, vec![(false, 1)]));
        assert!(short.brokers.iter().all(|b| rows_that_fit(*b) >= 1), "{:?}", short.brokers);
        assert!(short.brokers.iter().all(|b| b.width() > 100.0), "{:?}", short.brokers);
        // The full width keeps the three in a row.
        let wide = layout(area(1030.0, 480.0), &shape(3, vec![(false, 1)]));
        assert!(wide.brokers.windows(2).all(|w| w[1].top() == w[0].top() && w[1].left() > w[0].right()));
    }

    #[test]
    fn a_broker_box_fits_its_replica_rows() {
        let s = SceneShape { boxes: vec![2, 6], ..shape(0, vec![]) };
        let l = layout(area(1100.0, 700.0), &s);
        assert!(l.brokers[1].height() > l.brokers[0].height());
        assert!(replica_row(l.brokers[1], 5).bottom() <= l.brokers[1].bottom());
        assert_eq!(rows_that_fit(l.brokers[1]), 6);
    }
}
