//! Where the logic goes: the synthesized netlist's cells grouped by the block they belong to.
//!
//! `synth_ecp5` flattens the design and names each cell after a net it drives or reads, and
//! that net after the hierarchy it was declared in (`core.net.rx.engine.h_in_TRELLIS_FF_Q_3`).
//! rust-hdl names a child's port in its parent `child$port`, so `$` counts as a level too
//! (`core.blk$rd_data_LUT4_Z` is `core.blk`'s). Grouping by the first [`DEPTH`] levels (here
//! `core.net.rx`) tells which block a cell came from. It is an attribution, not an exact
//! partition: logic between two blocks counts for the block whose net named it. Cells named
//! after one of the top's own ports are `(top)`; cells yosys left unnamed (`$abc$...`) are
//! `(unnamed)`. Only LUT4, CCU2C, flip-flops, distributed RAM and DP16KD are counted.
//! Unflattened synthesis (`-noflatten`) was tried for this and misleads: it cannot merge a
//! rust-hdl `Reg`'s hold mux into the flip-flop's enable across the module boundary, so it
//! counted a 162-bit `SkidBuffer` as 1,300 LUT4 where the flat build uses 168.

use serde::Serialize;
use std::collections::BTreeMap;

/// How many parts of a cell's hierarchical path name its block (`core.net.rx`).
pub const DEPTH: usize = 3;

/// Cell counts of one block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BlockCells {
    /// Hierarchical path (`core.card.dma`), or `(top)` for cells directly in the top.
    pub block: String,
    pub lut4: u64,
    /// CCU2C carry cells (two logic-cell slots each).
    pub carry: u64,
    pub ff: u64,
    /// TRELLIS_DPR16X4 distributed-RAM cells.
    pub lutram: u64,
    /// DP16KD block RAMs.
    pub bram: u64,
}

impl BlockCells {
    /// LUT4 + 2 x carry: the report's "LUT4" measure (a carry cell takes two LUT slots).
    pub fn comb(&self) -> u64 {
        self.lut4 + 2 * self.carry
    }
}

/// The block a cell named `name` belongs to.
pub fn block_of(name: &str) -> String {
    let name = name.trim_start_matches('\\');
    if name.starts_with('$') {
        return "(unnamed)".to_string();
    }
    let mut path: Vec<&str> = name.split(['.', '$']).collect();
    path.pop(); // the net's own name
                // a memory's block RAMs are `<memory>.<row>.<column>`: the numbers are not blocks
    while path
        .last()
        .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        path.pop();
    }
    if path.is_empty() {
        "(top)".to_string()
    } else {
        path[..path.len().min(DEPTH)].join(".")
    }
}

/// Group `(cell name, cell type)` pairs by block, largest (in logic-cell slots) first.
pub fn group<'a>(cells: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<BlockCells> {
    let mut by: BTreeMap<String, BlockCells> = BTreeMap::new();
    for (name, kind) in cells {
        let block = block_of(name);
        let b = by.entry(block.clone()).or_insert_with(|| BlockCells {
            block,
            ..Default::default()
        });
        match kind {
            "LUT4" => b.lut4 += 1,
            "CCU2C" => b.carry += 1,
            "TRELLIS_FF" => b.ff += 1,
            "TRELLIS_DPR16X4" => b.lutram += 1,
            "DP16KD" => b.bram += 1,
            _ => {}
        }
    }
    let mut v: Vec<_> = by
        .into_values()
        .filter(|b| b.comb() + b.ff + b.lutram + b.bram > 0)
        .collect();
    v.sort_by(|a, b| b.comb().cmp(&a.comb()).then(a.block.cmp(&b.block)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_belongs_to_the_first_three_parts_of_its_path() {
        assert_eq!(
            block_of("core.net.rx.engine.h_in_TRELLIS_FF_Q_3"),
            "core.net.rx"
        );
        assert_eq!(block_of("core.card.f0.qa_desc_LUT4_Z"), "core.card.f0");
        assert_eq!(block_of("store.left_CCU2C_A0"), "store");
        assert_eq!(block_of("f0_bar0_TRELLIS_FF_Q"), "(top)");
        assert_eq!(block_of("\\core.blk.x_LUT4_Z"), "core.blk");
    }

    #[test]
    fn a_child_port_counts_for_the_child_and_ram_rows_are_not_blocks() {
        assert_eq!(block_of("core.blk$discard_on_LUT4_B"), "core.blk");
        assert_eq!(block_of("core.card.f1$qa_desc_LUT4_Z"), "core.card.f1");
        assert_eq!(block_of("core$net$x"), "core.net");
        assert_eq!(block_of("store.mem.0.5"), "store.mem");
        assert_eq!(block_of("core.net.rx.engine.b_w[3]_LUT4_Z"), "core.net.rx");
        assert_eq!(block_of("$abc$1234$lut$aiger"), "(unnamed)");
    }

    #[test]
    fn blocks_are_counted_by_cell_type_and_sorted_by_logic_cells() {
        let cells = [
            ("a.x_LUT4_Z", "LUT4"),
            ("a.y_FF", "TRELLIS_FF"),
            ("b.c.d.e_CCU2C", "CCU2C"),
            ("b.c.d.f_CCU2C", "CCU2C"),
            ("b.c.g.ram", "TRELLIS_DPR16X4"),
            ("b.c.d.bram", "DP16KD"),
            ("b.c.d.mux", "PFUMX"),
            ("top_only", "LUT4"),
        ];
        let v = group(cells);
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].block, "b.c.d");
        assert_eq!((v[0].carry, v[0].bram, v[0].comb()), (2, 1, 4));
        assert_eq!(v[1].block, "(top)");
        assert_eq!(v[2].block, "a");
        assert_eq!((v[2].lut4, v[2].ff), (1, 1));
        assert_eq!((v[3].block.as_str(), v[3].lutram), ("b.c.g", 1));
    }
}
