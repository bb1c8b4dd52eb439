//! Where the logic goes: the synthesized netlist's cells grouped by the block they belong to.
//!
//! `synth_ecp5` flattens the design and names each cell after the net it drives, and that net
//! after the hierarchy it was declared in (`core.net.rx.engine.h_in_TRELLIS_FF_Q_3`). Grouping
//! by the first [`DEPTH`] parts of that path (here `core.net.rx`) tells which block a cell came
//! from. It is an attribution, not an exact partition: a LUT shared by two blocks' logic counts
//! for the block of the net it drives, and a cell yosys could not name lands in `(top)`.
//! Unflattened synthesis (`-noflatten`) was tried for this and misleads: it cannot merge a
//! rust-hdl `Reg`'s hold mux into the flip-flop's enable across the module boundary, so it
//! counted a 162-bit `SkidBuffer` as 1,300 LUT4 where the flat build uses 168.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

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
    /// Logic-cell slots (TRELLIS_COMB) the block takes before packing: a LUT4 or half a carry.
    pub fn comb(&self) -> u64 {
        self.lut4 + 2 * self.carry
    }
}

#[derive(Deserialize)]
struct Netlist {
    modules: BTreeMap<String, Module>,
}

#[derive(Deserialize)]
struct Module {
    #[serde(default)]
    cells: BTreeMap<String, Cell>,
}

#[derive(Deserialize)]
struct Cell {
    #[serde(rename = "type")]
    kind: String,
}

/// The block a cell named `name` belongs to.
pub fn block_of(name: &str) -> String {
    let name = name.trim_start_matches('\\');
    let path: Vec<&str> = name.split('.').collect();
    let path = &path[..path.len() - 1];
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

/// Read yosys's JSON netlist (`<top>.json`, module `top`) and group its cells by block.
pub fn read(netlist: &Path) -> Result<Vec<BlockCells>> {
    let file =
        std::fs::File::open(netlist).with_context(|| format!("opening {}", netlist.display()))?;
    let n: Netlist = serde_json::from_reader(std::io::BufReader::new(file))
        .with_context(|| format!("reading {}", netlist.display()))?;
    let top = n
        .modules
        .get("top")
        .context("the netlist has no module `top`")?;
    Ok(group(
        top.cells
            .iter()
            .map(|(name, c)| (name.as_str(), c.kind.as_str())),
    ))
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
