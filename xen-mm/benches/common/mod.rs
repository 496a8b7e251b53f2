//! The figure lines of the hand-rolled benches (those that alternate a measurement with its floor
//! in one loop, which divan cannot): one line per figure, read by `./x bench`
//! (tools/xtask/src/bench.rs) as well as by people:
//!
//! `  NAME  median V UNIT  min V UNIT  max V UNIT  runs N`

/// Prints the figure line for `samples` (seconds, one per round).
pub fn figure(name: &str, samples: &[f64]) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (unit, scale) = match sorted[sorted.len() / 2] {
        s if s >= 1.0 => ("s", 1.0),
        s if s >= 1e-3 => ("ms", 1e3),
        s if s >= 1e-6 => ("us", 1e6),
        _ => ("ns", 1e9),
    };
    println!(
        "  {name:<28}  median {:.3} {unit}  min {:.3} {unit}  max {:.3} {unit}  runs {}",
        median(samples) * scale,
        sorted[0] * scale,
        sorted[sorted.len() - 1] * scale,
        sorted.len()
    );
}

/// The median (the upper one of an even count).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}
