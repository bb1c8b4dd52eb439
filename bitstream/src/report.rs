//! The bitstream report: utilisation against the device's totals and achieved Fmax per clock
//! against its constraint, read from nextpnr's `--report` JSON and yosys's `stat -json`; the
//! critical path of each clock (logic and routing delay, first and last cell), and the logic
//! by block ([`crate::blocks`]) from the synthesized netlist.

use crate::blocks::{self, BlockCells};
use crate::ctrl_sets::{self, ControlSets};
use crate::netlist;
use anyhow::{Context, Result};
use ferrio_boards::DeviceTotals;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

#[derive(Clone, Debug, Serialize)]
pub struct Usage {
    pub used: u64,
    pub available: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClockResult {
    pub clock: String,
    pub constraint_mhz: f64,
    pub achieved_mhz: f64,
    pub met: bool,
}

/// One clock's worst path as nextpnr reports it after routing.
#[derive(Clone, Debug, Serialize)]
pub struct CriticalPath {
    /// `posedge clock -> posedge clock`.
    pub clocks: String,
    /// The cell the path starts from and the one it ends in.
    pub start: String,
    pub end: String,
    /// Cell delays (clock-to-out, logic, setup) and wire delays, in ns.
    pub logic_ns: f64,
    pub routing_ns: f64,
    /// Logic steps on the path (LUTs, carries, muxes passed through).
    pub levels: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub top: String,
    /// Board name, or `out-of-context`.
    pub target: String,
    pub device: String,
    /// LUT4, FF, BRAM (DP16KD), DCU, PLL.
    pub usage: BTreeMap<String, Usage>,
    pub clocks: Vec<ClockResult>,
    /// Cell counts after synthesis (yosys `stat`).
    pub cells: BTreeMap<String, u64>,
    /// Seconds taken by each step.
    pub seconds: BTreeMap<String, f64>,
    pub critical_paths: Vec<CriticalPath>,
    /// The synthesized netlist's cells by block, largest first.
    pub blocks: Vec<BlockCells>,
    /// The synthesized netlist's flip-flops by control set ([`ctrl_sets`]).
    pub control_sets: Option<ControlSets>,
    /// The [`crate::SynthOptions::min_ctrl_set`] the netlist was synthesized with (the caller
    /// sets it; 0 after [`Report::read`]).
    pub min_ctrl_set: u32,
}

impl Report {
    /// Read nextpnr's report JSON from `dir`.
    pub fn read(
        dir: &Path,
        top: &str,
        target: &str,
        device: &str,
        totals: DeviceTotals,
        cells: BTreeMap<String, u64>,
        seconds: BTreeMap<String, f64>,
    ) -> Result<Self> {
        let text = std::fs::read_to_string(dir.join("nextpnr-report.json"))
            .context("reading nextpnr-report.json")?;
        let json: serde_json::Value = serde_json::from_str(&text)?;
        let util = &json["utilization"];
        let used = |cell: &str| util[cell]["used"].as_u64().unwrap_or(0);
        let cell = |name: &str| cells.get(name).copied().unwrap_or(0);
        let mut usage = BTreeMap::new();
        // nextpnr counts TRELLIS_COMB slots (a LUT4 or half a carry); yosys counts LUT4 cells.
        usage.insert(
            "LUT4".to_string(),
            Usage {
                used: cell("LUT4") + 2 * cell("CCU2C"),
                available: totals.lut4,
            },
        );
        usage.insert(
            "FF".to_string(),
            Usage {
                used: used("TRELLIS_FF"),
                available: totals.ff,
            },
        );
        usage.insert(
            "BRAM (DP16KD)".to_string(),
            Usage {
                used: used("DP16KD"),
                available: totals.bram,
            },
        );
        usage.insert(
            "DCU".to_string(),
            Usage {
                used: used("DCUA"),
                available: totals.dcu,
            },
        );
        usage.insert(
            "PLL".to_string(),
            Usage {
                used: used("EHXPLLL"),
                available: totals.pll,
            },
        );
        let mut clocks = Vec::new();
        if let Some(fmax) = json["fmax"].as_object() {
            for (clock, v) in fmax {
                let achieved = v["achieved"].as_f64().unwrap_or(0.0);
                let constraint = v["constraint"].as_f64().unwrap_or(0.0);
                clocks.push(ClockResult {
                    clock: clock.clone(),
                    constraint_mhz: constraint,
                    achieved_mhz: achieved,
                    met: achieved >= constraint,
                });
            }
        }
        let critical_paths = json["critical_paths"]
            .as_array()
            .map(|v| v.iter().filter_map(critical_path).collect())
            .unwrap_or_default();
        // a netlist that cannot be read costs the tables, not the place-and-route run before
        let (blocks, control_sets) = match netlist::read_top_cells(&dir.join(format!("{top}.json")))
        {
            Ok(c) => (
                blocks::group(c.iter().map(|(name, c)| (name.as_str(), c.kind.as_str()))),
                Some(ctrl_sets::sets_of(c.values())),
            ),
            Err(e) => {
                eprintln!("[bitstream] no logic-by-block table or control-set count: {e:#}");
                (Vec::new(), None)
            }
        };
        Ok(Report {
            top: top.to_string(),
            target: target.to_string(),
            device: device.to_string(),
            usage,
            clocks,
            cells,
            seconds,
            critical_paths,
            blocks,
            control_sets,
            min_ctrl_set: 0,
        })
    }

    /// Every clock met its constraint (and there was at least one clock).
    pub fn timing_met(&self) -> bool {
        !self.clocks.is_empty() && self.clocks.iter().all(|c| c.met)
    }

    /// A readable table.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        writeln!(s, "# {} on {} ({})\n", self.top, self.target, self.device).unwrap();
        writeln!(
            s,
            "| resource | used | available | share |\n|---|---:|---:|---:|"
        )
        .unwrap();
        for (name, u) in &self.usage {
            let share = if u.available > 0 {
                100.0 * u.used as f64 / u.available as f64
            } else {
                0.0
            };
            writeln!(
                s,
                "| {name} | {} | {} | {share:.1} % |",
                u.used, u.available
            )
            .unwrap();
        }
        writeln!(
            s,
            "\n| clock | constraint | achieved | met |\n|---|---:|---:|---|"
        )
        .unwrap();
        for c in &self.clocks {
            writeln!(
                s,
                "| {} | {:.1} MHz | {:.1} MHz | {} |",
                c.clock,
                c.constraint_mhz,
                c.achieved_mhz,
                if c.met { "yes" } else { "**no**" }
            )
            .unwrap();
        }
        for p in &self.critical_paths {
            writeln!(
                s,
                "\ncritical path ({}): `{}` to `{}`; logic levels: {}; {:.2} ns of logic and \
                 {:.2} ns of routing",
                p.clocks, p.start, p.end, p.levels, p.logic_ns, p.routing_ns
            )
            .unwrap();
        }
        if self.min_ctrl_set > 0 {
            writeln!(
                s,
                "\nsynthesis: a clock enable or synchronous reset shared by fewer than {} \
                 flip-flops is built from a LUT (`dfflegalize` -mince/-minsrst)",
                self.min_ctrl_set
            )
            .unwrap();
        }
        if let Some(cs) = &self.control_sets {
            writeln!(
                s,
                "\ncontrol sets (flip-flops sharing clock, enable and set/reset, as two must to \
                 share a slice): {} for {} flip-flops; {} of fewer than {} flip-flops ({} \
                 flip-flops), {} of one; the flip-flops need at least {} slices",
                cs.sets,
                cs.flip_flops,
                cs.small_sets,
                ctrl_sets::SMALL,
                cs.small_set_flip_flops,
                cs.single,
                cs.min_slices
            )
            .unwrap();
        }
        s.push_str(&self.blocks_markdown());
        writeln!(s, "\n| step | seconds |\n|---|---:|").unwrap();
        for (step, secs) in &self.seconds {
            writeln!(s, "| {step} | {secs:.1} |").unwrap();
        }
        s
    }

    /// The blocks taking at least 1 % of the LUTs or of the flip-flops, or any block RAM; the
    /// rest summed in one row.
    fn blocks_markdown(&self) -> String {
        let mut s = String::new();
        let total: u64 = self.blocks.iter().map(|b| b.comb()).sum();
        let total_ff: u64 = self.blocks.iter().map(|b| b.ff).sum();
        if total == 0 {
            return s;
        }
        writeln!(
            s,
            "\nWhere the logic goes (synthesized cells by the block of the net that names them; \
             `(top)`: named after a port of the top):\n\n\
             | block | LUT4 + 2 x carry | share | LUT4 | carry | FF | LUT RAM | DP16KD |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|"
        )
        .unwrap();
        let mut rest = BlockCells {
            block: "(the rest)".to_string(),
            ..Default::default()
        };
        let row = |s: &mut String, b: &BlockCells| {
            writeln!(
                s,
                "| {} | {} | {:.1} % | {} | {} | {} | {} | {} |",
                b.block,
                b.comb(),
                100.0 * b.comb() as f64 / total as f64,
                b.lut4,
                b.carry,
                b.ff,
                b.lutram,
                b.bram
            )
            .unwrap();
        };
        for b in &self.blocks {
            if b.comb() * 100 >= total || b.ff * 100 >= total_ff || b.bram > 0 {
                row(&mut s, b);
            } else {
                rest.lut4 += b.lut4;
                rest.carry += b.carry;
                rest.ff += b.ff;
                rest.lutram += b.lutram;
                rest.bram += b.bram;
            }
        }
        if rest.comb() + rest.ff + rest.lutram + rest.bram > 0 {
            row(&mut s, &rest);
        }
        s
    }
}

/// Sum one entry of nextpnr's `critical_paths`.
fn critical_path(v: &serde_json::Value) -> Option<CriticalPath> {
    let steps = v["path"].as_array()?;
    let cell =
        |step: &serde_json::Value, end: &str| step[end]["cell"].as_str().unwrap_or("").to_string();
    let (mut logic_ns, mut routing_ns, mut levels) = (0.0, 0.0, 0);
    for step in steps {
        let delay = step["delay"].as_f64().unwrap_or(0.0);
        match step["type"].as_str().unwrap_or("") {
            "routing" => routing_ns += delay,
            "logic" => {
                logic_ns += delay;
                levels += 1;
            }
            _ => logic_ns += delay,
        }
    }
    Some(CriticalPath {
        clocks: format!(
            "{} -> {}",
            v["from"].as_str().unwrap_or("?"),
            v["to"].as_str().unwrap_or("?")
        ),
        start: cell(steps.first()?, "from"),
        end: cell(steps.last()?, "to"),
        logic_ns,
        routing_ns,
        levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_critical_path_sums_cell_delays_as_logic_and_wire_delays_as_routing() {
        let v = serde_json::json!({
            "from": "posedge clock", "to": "posedge clock",
            "path": [
                {"type": "clk-to-q", "delay": 0.3, "from": {"cell": "a_FF"}, "to": {"cell": "a_FF"}},
                {"type": "routing", "delay": 2.0, "from": {"cell": "a_FF"}, "to": {"cell": "l1"}},
                {"type": "logic", "delay": 0.15, "from": {"cell": "l1"}, "to": {"cell": "l1"}},
                {"type": "routing", "delay": 1.0, "from": {"cell": "l1"}, "to": {"cell": "l2"}},
                {"type": "logic", "delay": 0.15, "from": {"cell": "l2"}, "to": {"cell": "l2"}},
                {"type": "routing", "delay": 0.5, "from": {"cell": "l2"}, "to": {"cell": "b_FF"}},
                {"type": "setup", "delay": 0.2, "from": {"cell": "b_FF"}, "to": {"cell": "b_FF"}}
            ]
        });
        let p = critical_path(&v).unwrap();
        assert_eq!((p.start.as_str(), p.end.as_str()), ("a_FF", "b_FF"));
        assert_eq!(p.clocks, "posedge clock -> posedge clock");
        assert_eq!(p.levels, 2);
        assert!((p.logic_ns - 0.8).abs() < 1e-9, "{}", p.logic_ns);
        assert!((p.routing_ns - 3.5).abs() < 1e-9, "{}", p.routing_ns);
        assert!(critical_path(&serde_json::json!({"from": "x"})).is_none());
    }
}
