//! Where things go on the scene, as a pure function of the area and the cluster's shape:
//! ZooKeeper on top, producers on the left, brokers in the middle (a grid of boxes sized to
//! their replicas), consumers on the right. Unit-tested without a window.

use bevy_egui::egui::{Pos2, Rect, Vec2, pos2, vec2};

/// Height of one replica row inside a broker box.
pub const ROW_H: f32 = 42.0;
/// Height of a broker box's title bar.
pub const HEADER_H: f32 = 30.0;

/// The positions of everything on the scene.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneLayout {
    /// The narration banner.
    pub banner: Rect,
    /// The ZooKeeper box.
    pub zookeeper: Rect,
    /// Broker boxes, by broker index (broker-1 first).
    pub brokers: Vec<Rect>,
    /// Producer centres.
    pub producers: Vec<Pos2>,
    /// Consumer centres.
    pub consumers: Vec<Pos2>,
    /// Radius of client circles.
    pub client_radius: f32,
}

fn column(x: f32, top: f32, bottom: f32, n: usize) -> Vec<Pos2> {
    let step = (bottom - top) / n.max(1) as f32;
    (0..n).map(|i| pos2(x, top + step * (i as f32 + 0.5))).collect()
}

/// Lays out `replicas_per_broker.len()` brokers (each box tall enough for its replica
/// rows, shrunk if the area is too small), `producers` and `consumers` in `area`.
pub fn layout(area: Rect, replicas_per_broker: &[usize], producers: usize, consumers: usize) -> SceneLayout {
    let pad = 12.0;
    let banner = Rect::from_min_size(area.min + vec2(pad, pad), vec2(area.width() - 2.0 * pad, 40.0));
    let zk_w = (area.width() * 0.5).clamp(220.0, 620.0);
    let zookeeper = Rect::from_center_size(pos2(area.center().x, banner.bottom() + 12.0 + 28.0), vec2(zk_w, 56.0));
    let top = zookeeper.bottom() + 24.0;
    let bottom = area.bottom() - pad;
    let left_w = (area.width() * 0.13).clamp(80.0, 170.0);
    // Wide enough for a member's labels (partitions, group, generation) left-aligned.
    let right_w = (area.width() * 0.2).clamp(90.0, 240.0);
    let mid = Rect::from_min_max(pos2(area.left() + left_w + 20.0, top), pos2(area.right() - right_w - 20.0, bottom));
    let n = replicas_per_broker.len();
    let cols = if n <= 3 {
        n.max(1)
    } else if n == 4 {
        2
    } else {
        3.min(n)
    };
    let rows = n.div_ceil(cols).max(1);
    let gap = 18.0;
    let cell_w = ((mid.width() - gap * (cols as f32 - 1.0)) / cols as f32).min(420.0);
    let cell_h = (mid.height() - gap * (rows as f32 - 1.0)) / rows as f32;
    let height =
        |i: usize| (HEADER_H + ROW_H * replicas_per_broker[i].max(1) as f32 + 10.0).min(cell_h).max(HEADER_H + 10.0);
    // Each grid row is as tall as its tallest box; the grid is centred in the middle area.
    let row_h: Vec<f32> =
        (0..rows).map(|r| (r * cols..((r + 1) * cols).min(n)).map(height).fold(0.0, f32::max)).collect();
    let total_h = row_h.iter().sum::<f32>() + gap * (rows as f32 - 1.0);
    let total_w = cell_w * cols as f32 + gap * (cols as f32 - 1.0);
    let y0 = mid.top() + ((mid.height() - total_h) * 0.5).max(0.0);
    let x0 = mid.left() + ((mid.width() - total_w) * 0.5).max(0.0);
    let brokers = (0..n)
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            let y = y0 + row_h[..r].iter().sum::<f32>() + gap * r as f32;
            Rect::from_min_size(pos2(x0 + c as f32 * (cell_w + gap), y), vec2(cell_w.max(60.0), height(i)))
        })
        .collect();
    let client_radius = 16.0;
    SceneLayout {
        banner,
        zookeeper,
        brokers,
        producers: column(area.left() + left_w * 0.5 + pad, top, bottom, producers),
        consumers: column(area.right() - right_w + 16.0, top, bottom, consumers),
        client_radius,
    }
}

/// The rectangle of replica row `i` inside a broker box.
pub fn replica_row(broker: Rect, i: usize) -> Rect {
    Rect::from_min_size(
        broker.min + vec2(6.0, HEADER_H + ROW_H * i as f32),
        Vec2::new(broker.width() - 12.0, ROW_H - 4.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area() -> Rect {
        Rect::from_min_size(pos2(0.0, 0.0), vec2(1100.0, 700.0))
    }

    #[test]
    fn brokers_do_not_overlap_and_stay_inside_the_area() {
        for n in 1..=9 {
            let l = layout(area(), &vec![4; n], 3, 2);
            assert_eq!(l.brokers.len(), n);
            for (i, a) in l.brokers.iter().enumerate() {
                assert!(area().contains_rect(*a), "broker {i} of {n} outside: {a:?}");
                for b in &l.brokers[i + 1..] {
                    assert!(!a.intersects(*b), "{n} brokers: {a:?} overlaps {b:?}");
                }
            }
        }
    }

    #[test]
    fn producers_left_consumers_right_zookeeper_on_top() {
        let l = layout(area(), &[3, 3, 3], 3, 2);
        let left = l.brokers.iter().map(|b| b.left()).fold(f32::MAX, f32::min);
        let right = l.brokers.iter().map(|b| b.right()).fold(f32::MIN, f32::max);
        assert!(l.producers.iter().all(|p| p.x + l.client_radius < left));
        assert!(l.consumers.iter().all(|c| c.x - l.client_radius > right));
        assert!(l.brokers.iter().all(|b| b.top() > l.zookeeper.bottom()));
        assert!(l.zookeeper.top() > l.banner.bottom());
        // Clients are spread down their columns in order.
        assert!(l.producers.windows(2).all(|w| w[0].y < w[1].y));
    }

    #[test]
    fn a_broker_box_fits_its_replica_rows() {
        let l = layout(area(), &[2, 6], 1, 1);
        assert!(l.brokers[1].height() > l.brokers[0].height());
        assert!(replica_row(l.brokers[1], 5).bottom() <= l.brokers[1].bottom());
    }
}
