//! Every word the scene paints goes through `Labels`: a text gets a width it may use and is
//! cut with "…" past it, so nothing runs under a panel or into a neighbour; each placed
//! rectangle is remembered, so a test can prove that labels neither overlap nor leave the
//! scene at any window size.

use bevy_egui::egui::text::{LayoutJob, TextWrapping};
use bevy_egui::egui::{self, Align2, Color32, FontId, Pos2, Rect, vec2};

/// A placed label: where, and what it says (for test messages).
#[derive(Clone, Debug)]
pub struct Placed {
    /// Its rectangle on screen.
    pub rect: Rect,
    /// Its text after cutting.
    pub text: String,
}

/// The scene's painter for words.
pub struct Labels<'a> {
    /// The painter.
    pub painter: &'a egui::Painter,
    /// Labels placed so far.
    pub placed: Vec<Placed>,
}

impl<'a> Labels<'a> {
    /// Words for `painter`.
    pub fn new(painter: &'a egui::Painter) -> Labels<'a> {
        Labels { painter, placed: Vec::new() }
    }

    /// One line of text anchored at `pos`, cut with "…" beyond `max_w` pixels.
    pub fn text(
        &mut self,
        pos: Pos2,
        align: Align2,
        text: impl Into<String>,
        font: &FontId,
        color: Color32,
        max_w: f32,
    ) -> Rect {
        let galley = self.line(text.into(), font, color, max_w);
        let rect = align.anchor_size(pos, galley.size());
        let shown = galley.text().to_string();
        self.painter.galley(rect.min, galley, color);
        self.placed.push(Placed { rect, text: shown });
        rect
    }

    /// Like `text`, on a dark rounded background so it reads over lines and dots.
    pub fn pill(
        &mut self,
        pos: Pos2,
        align: Align2,
        text: impl Into<String>,
        font: &FontId,
        color: Color32,
        max_w: f32,
    ) -> Rect {
        let galley = self.line(text.into(), font, color, max_w);
        let rect = align.anchor_size(pos, galley.size() + vec2(8.0, 2.0));
        self.painter.rect_filled(rect, 4.0, Color32::from_rgba_unmultiplied(16, 18, 24, 230));
        let shown = galley.text().to_string();
        self.painter.galley(rect.min + vec2(4.0, 1.0), galley, color);
        self.placed.push(Placed { rect, text: shown });
        rect
    }

    /// The size `text` would take on one line (uncut).
    pub fn width(&self, text: &str, font: &FontId) -> f32 {
        self.painter.layout_no_wrap(text.to_string(), font.clone(), Color32::WHITE).size().x
    }

    fn line(&self, text: String, font: &FontId, color: Color32, max_w: f32) -> std::sync::Arc<egui::Galley> {
        let mut job = LayoutJob::simple_singleline(text, font.clone(), color);
        job.wrap = TextWrapping {
            max_width: max_w.max(8.0),
            max_rows: 1,
            break_anywhere: true,
            overflow_character: Some('…'),
        };
        self.painter.layout_job(job)
    }
}

/// Pairs of placed labels that overlap by more than a pixel each way (empty: all clear).
pub fn overlaps(placed: &[Placed]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in placed.iter().enumerate() {
        for b in &placed[i + 1..] {
            let x = a.rect.intersect(b.rect);
            if x.width() > 1.0 && x.height() > 1.0 {
                out.push((format!("{:?} at {:?}", a.text, a.rect), format!("{:?} at {:?}", b.text, b.rect)));
            }
        }
    }
    out
}
