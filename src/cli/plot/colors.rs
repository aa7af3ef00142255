//! Fixed colours per role (tests find series in the SVG by them).
#![allow(dead_code)] // the palette serves every picture command

use plotters::style::RGBColor;

/// Simulated data.
pub const DATA: RGBColor = RGBColor(31, 119, 180);
/// Secondary simulated data.
pub const DATA2: RGBColor = RGBColor(44, 160, 44);
/// Predictions of the theory.
pub const PRED: RGBColor = RGBColor(214, 39, 40);
/// Secondary predictions.
pub const PRED2: RGBColor = RGBColor(148, 103, 189);
/// The threshold: η* = 2/λ or the line 2/η.
pub const THRESHOLD: RGBColor = RGBColor(255, 127, 14);
/// Phase bands and supercritical shading.
pub const BAND1: RGBColor = RGBColor(44, 160, 44);
/// Second phase band.
pub const BAND2: RGBColor = RGBColor(255, 187, 120);
/// Third phase band.
pub const BAND3: RGBColor = RGBColor(158, 218, 229);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(215, 215, 215);
/// Footer text.
pub const TEXT: RGBColor = RGBColor(60, 60, 60);

/// `#rrggbb` of a colour, as plotters writes it in SVG attributes.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}
