//! The bitstream report: utilisation against the device's totals and achieved Fmax per clock
//! against its constraint, read from nextpnr's `--report` JSON and yosys's `stat -json`.

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
        Ok(Report {
            top: top.to_string(),
            target: target.to_string(),
            device: device.to_string(),
            usage,
            clocks,
            cells,
            seconds,
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
        writeln!(s, "\n| step | seconds |\n|---|---:|").unwrap();
        for (step, secs) in &self.seconds {
            writeln!(s, "| {step} | {secs:.1} |").unwrap();
        }
        s
    }
}
