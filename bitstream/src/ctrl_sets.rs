//! Control sets: the flip-flops of the synthesized netlist grouped by what an ECP5 slice makes
//! its two flip-flops share.
//!
//! An ECP5 slice has two flip-flops with one clock, one clock enable and one set/reset (LSR)
//! between them, and one setting each of the clock, enable and LSR inversion and of the
//! set/reset mode. So two flip-flops can share a slice only if all of these match: they are in
//! one *control set*. nextpnr packs a LUT and the flip-flop it feeds into one slice half, so
//! in a design whose LUTs fill most slices, many small control sets can leave it no legal
//! place for a LUT-flip-flop pair with flip-flops to spare. The card with net and blk has 848
//! control sets, 249 of them a single flip-flop, and its analytical placer gives up at 84 % of
//! the logic cells; yosys's `dfflegalize` can build an enable or synchronous reset shared by
//! fewer than N flip-flops from a LUT instead ([`crate::SynthOptions::min_ctrl_set`],
//! `cargo xtask bitstream --min-ctrl-set N`). With N = 8 the sets halved (464) for 709 more
//! LUT4, and the placer was still in its first legalisation when stopped after 13 minutes
//! (a build that places gets through all of them in under 3; session 17, docs/PERFORMANCE.md):
//! for this design the count of logic cells looks like what decides. The report keeps the
//! count so the next such question starts from a number.

use crate::netlist::Cell;
use serde::Serialize;
use std::collections::HashMap;

/// Flip-flops in a control set below which it counts as small.
pub const SMALL: u64 = 8;

/// The control sets of a netlist.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ControlSets {
    pub flip_flops: u64,
    pub sets: u64,
    /// Sets of fewer than [`SMALL`] flip-flops, and the flip-flops in them.
    pub small_sets: u64,
    pub small_set_flip_flops: u64,
    /// Sets of a single flip-flop.
    pub single: u64,
    /// Slices the flip-flops need at least (each set fills slices two at a time).
    pub min_slices: u64,
}

/// What a slice's two flip-flops must share (`TRELLIS_FF`'s ports and mux parameters). A port
/// whose mux selects a constant (`CEMUX` "1", `LSRMUX` "0") does not count as a net.
fn key(c: &Cell) -> String {
    let param = |p: &str| {
        c.parameters
            .get(p)
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .unwrap_or_default()
    };
    let net = |p: &str| {
        c.connections
            .get(p)
            .and_then(|v| v.first())
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let (cemux, lsrmux) = (param("CEMUX"), param("LSRMUX"));
    let ce = if cemux == "1" || cemux == "0" {
        format!("const {cemux}")
    } else {
        format!("{cemux} {}", net("CE"))
    };
    let lsr = if lsrmux == "0" {
        "const 0".to_string()
    } else {
        format!("{lsrmux} {}", net("LSR"))
    };
    format!(
        "{} {} | {ce} | {lsr} | {}",
        param("CLKMUX"),
        net("CLK"),
        param("SRMODE")
    )
}

/// Count the control sets among `TRELLIS_FF` cells given by their sizes.
pub fn count(set_sizes: impl IntoIterator<Item = u64>) -> ControlSets {
    let mut cs = ControlSets::default();
    for n in set_sizes {
        cs.sets += 1;
        cs.flip_flops += n;
        cs.min_slices += n.div_ceil(2);
        if n < SMALL {
            cs.small_sets += 1;
            cs.small_set_flip_flops += n;
        }
        if n == 1 {
            cs.single += 1;
        }
    }
    cs
}

/// Count the control sets among `cells` (only `TRELLIS_FF` cells count).
pub fn sets_of<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> ControlSets {
    let mut sizes: HashMap<String, u64> = HashMap::new();
    for c in cells {
        if c.kind == "TRELLIS_FF" {
            *sizes.entry(key(c)).or_default() += 1;
        }
    }
    count(sizes.into_values())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ff(clk: u64, cemux: &str, ce: u64, lsrmux: &str, lsr: u64, srmode: &str) -> Cell {
        let j = serde_json::json!({
            "type": "TRELLIS_FF",
            "parameters": {"CLKMUX": "CLK", "CEMUX": cemux, "LSRMUX": lsrmux, "SRMODE": srmode},
            "connections": {"CLK": [clk], "CE": [ce], "LSR": [lsr], "DI": [99], "Q": [100]}
        });
        serde_json::from_value(j).unwrap()
    }

    #[test]
    fn flip_flops_share_a_set_only_with_the_same_clock_enable_and_reset() {
        let cells = [
            ff(2, "CE", 10, "LSR", 20, "LSR_OVER_CE"),
            ff(2, "CE", 10, "LSR", 20, "LSR_OVER_CE"),
            ff(2, "CE", 10, "LSR", 20, "LSR_OVER_CE"),
            // another enable net
            ff(2, "CE", 11, "LSR", 20, "LSR_OVER_CE"),
            // another reset mode
            ff(2, "CE", 10, "LSR", 20, "ASYNC"),
            // an enable tied high: the CE net does not matter
            ff(2, "1", 10, "LSR", 20, "LSR_OVER_CE"),
            ff(2, "1", 12, "LSR", 20, "LSR_OVER_CE"),
        ];
        let cs = sets_of(cells.iter());
        assert_eq!(cs.flip_flops, 7);
        assert_eq!(cs.sets, 4);
        assert_eq!(cs.single, 2);
        assert_eq!((cs.small_sets, cs.small_set_flip_flops), (4, 7));
        assert_eq!(cs.min_slices, 2 + 1 + 1 + 1);
    }

    #[test]
    fn a_set_of_eight_or_more_is_not_small() {
        let cs = count([8, 7, 1, 20]);
        assert_eq!((cs.sets, cs.flip_flops), (4, 36));
        assert_eq!(
            (cs.small_sets, cs.small_set_flip_flops, cs.single),
            (2, 8, 1)
        );
        assert_eq!(cs.min_slices, 4 + 4 + 1 + 10);
    }

    #[test]
    fn other_cells_are_not_counted() {
        let lut: Cell = serde_json::from_value(serde_json::json!({"type": "LUT4"})).unwrap();
        let cells = [lut, ff(2, "CE", 10, "LSR", 20, "LSR_OVER_CE")];
        assert_eq!(sets_of(cells.iter()).flip_flops, 1);
    }
}
