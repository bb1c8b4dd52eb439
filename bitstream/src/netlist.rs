//! yosys's JSON netlist (`write_json`, here `<top>.json`): the cells of module `top`, read once
//! for the report's tables ([`crate::blocks`], [`crate::ctrl_sets`]).

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct Netlist {
    modules: BTreeMap<String, Module>,
}

#[derive(Deserialize)]
struct Module {
    #[serde(default)]
    cells: BTreeMap<String, Cell>,
}

/// One cell: its type (`LUT4`, `TRELLIS_FF`, ...), parameters and port connections (net
/// numbers or constants, as yosys writes them).
#[derive(Deserialize)]
pub struct Cell {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub parameters: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub connections: BTreeMap<String, Vec<serde_json::Value>>,
}

/// The cells of module `top` in `path`, by name.
pub fn read_top_cells(path: &Path) -> Result<BTreeMap<String, Cell>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut n: Netlist = serde_json::from_reader(std::io::BufReader::new(file))
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(n.modules
        .remove("top")
        .context("the netlist has no module `top`")?
        .cells)
}
