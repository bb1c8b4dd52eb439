//! `cargo xtask`: every ferrio command. `cargo xtask --help` lists them.

mod bench;
mod bitstream;
mod demo;
mod flash;
mod guest;
mod lint;
mod setup;
mod test;
mod tools;
mod verilog;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "ferrio: build, simulate, lint and flash the virtio card"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Install every tool the other commands need (idempotent; a second run does nothing).
    Setup,
    /// The main job: boot a Linux guest under QEMU with the simulated card attached and run
    /// its disk and network workloads.
    Demo,
    /// Build the Linux guest (Debian kernel + busybox initramfs) under target/ferrio/guest/.
    Guest,
    /// Run all tests: lint, cargo tests through Verilator, and the heartbeat bitstream.
    Test,
    /// Write each top's Verilog under target/ferrio/verilog/.
    Verilog {
        #[arg(long)]
        top: Option<String>,
    },
    /// verilator --lint-only -Wall on every top with the one waiver file; fails on any warning.
    Lint {
        #[arg(long)]
        top: Option<String>,
    },
    /// Rewrite constraints/<board>.lpf from the Rust board descriptions.
    Constraints,
    /// Rewrite docs/REGISTERS.md from the configuration-space table in hdl/.
    Registers,
    /// Synthesize, place, route and pack a board top; or place a core out of context.
    Bitstream {
        /// Board to build for (a board top), e.g. versa-ecp5-5g.
        #[arg(
            long,
            default_value = "versa-ecp5-5g",
            conflicts_with = "out_of_context"
        )]
        board: String,
        /// The top to build (default: heartbeat).
        #[arg(long, default_value = "heartbeat")]
        top: String,
        /// Place and route the top as a core without pins (size and Fmax only).
        #[arg(long)]
        out_of_context: bool,
        /// Clock constraint for out-of-context builds.
        #[arg(long, default_value_t = 125.0)]
        mhz: f64,
        /// nextpnr placement seed.
        #[arg(long, default_value_t = 1)]
        seed: u32,
        /// Out of context: report the Fmax reached without failing when `--mhz` is missed.
        #[arg(long, requires = "out_of_context")]
        measure: bool,
        /// Run no tool: write `report.md` and `report.json` again from the last build's
        /// outputs (after the report itself changed).
        #[arg(long)]
        report_only: bool,
        /// yosys: build a clock enable or synchronous reset shared by fewer than N flip-flops
        /// from a LUT (fewer control sets; bitstream/src/ctrl_sets.rs). Default 0: always use
        /// them, as yosys does.
        #[arg(long, default_value_t = 0)]
        min_ctrl_set: u32,
    },
    /// Measure: `sim` (simulation speed of every Verilated top), `echo` (the echo device through
    /// the card), `blk` (virtio-blk throughput and IOPS through the card).
    Bench {
        #[arg(default_value = "sim")]
        what: String,
        /// The core clock the simulated cycles are read at (`net` only): the link, the host's
        /// read latency and the 1 GbE frame pacing are converted to this clock's cycles (the
        /// driver model's polling is not).
        #[arg(long, default_value_t = 125)]
        core_mhz: u32,
    },
    /// Load a bitstream into the board's SRAM (or its SPI flash with --flash) over JTAG.
    Flash {
        #[arg(long, default_value = "versa-ecp5-5g")]
        board: String,
        #[arg(long, default_value = "heartbeat")]
        top: String,
        /// Write the SPI flash instead of SRAM (survives power cycles).
        #[arg(long)]
        flash: bool,
    },
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Cmd::Setup => setup::setup(),
        Cmd::Demo => demo::demo(),
        Cmd::Test => test::test(),
        Cmd::Guest => guest::command(),
        Cmd::Verilog { top } => verilog::command(top.as_deref()),
        Cmd::Lint { top } => lint::command(top.as_deref()),
        Cmd::Constraints => {
            for board in ferrio_boards::all() {
                let path = tools::root().join(ferrio_boards::lpf_path(board.name));
                std::fs::write(&path, board.lpf())?;
                println!("[constraints] {}", path.display());
            }
            Ok(())
        }
        Cmd::Registers => {
            let path = tools::root().join("docs").join("REGISTERS.md");
            std::fs::write(&path, ferrio_hdl::tlp::config_table::registers_markdown())?;
            println!("[registers] {}", path.display());
            Ok(())
        }
        Cmd::Bitstream {
            board,
            top,
            out_of_context,
            mhz,
            seed,
            measure,
            report_only,
            min_ctrl_set,
        } => {
            let board = (!out_of_context).then_some(board.as_str());
            let synth = ferrio_bitstream::SynthOptions { min_ctrl_set };
            if report_only {
                bitstream::report_again(board, &top)
            } else {
                bitstream::build_with(board, &top, mhz, seed, measure, synth).map(|_| ())
            }
        }
        Cmd::Bench { what, core_mhz } => bench::command(&what, core_mhz),
        Cmd::Flash { board, top, flash } => flash::command(&board, &top, flash),
    }
}
