//! # ferrio-boards: the boards ferrio runs on, described in Rust
//!
//! A [`Board`] names its FPGA (for nextpnr), its pins (port name as the board tops use it,
//! package site, I/O standard) and its clock constraints. [`Board::lpf`] writes the LPF that
//! nextpnr reads; the checked-in copy under `constraints/` is tested against it.
//!
//! | board | name | device |
//! |---|---|---|
//! | Lattice ECP5-5G Versa | `versa-ecp5-5g` | LFE5UM5G-45F-8BG381C |

pub mod versa_ecp5_5g;

use serde::Serialize;
use std::fmt::Write;

/// The electrical standard of a pin (an LPF `IO_TYPE`); SERDES pads have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum IoStandard {
    Lvcmos15,
    Lvcmos25,
    Lvcmos33,
    Lvds,
    /// A DCU (SERDES) pad: located only, no I/O buffer.
    Serdes,
}

impl IoStandard {
    pub fn lpf_name(self) -> Option<&'static str> {
        match self {
            IoStandard::Lvcmos15 => Some("LVCMOS15"),
            IoStandard::Lvcmos25 => Some("LVCMOS25"),
            IoStandard::Lvcmos33 => Some("LVCMOS33"),
            IoStandard::Lvds => Some("LVDS"),
            IoStandard::Serdes => None,
        }
    }
}

/// One package pin, as a top-level port bit.
#[derive(Clone, Debug, Serialize)]
pub struct Pin {
    /// Port name in the board top (`led`, `eth0_txd`, ...).
    pub port: &'static str,
    /// Bit of a vector port; `None` for a scalar port.
    pub bit: Option<usize>,
    /// Package site (ball), e.g. `E16`.
    pub site: &'static str,
    pub io: IoStandard,
    /// Further LPF IOBUF attributes (`PULLMODE=UP`), if any.
    pub attrs: &'static str,
    /// What the pin is on the board.
    pub function: &'static str,
}

impl Pin {
    /// The name nextpnr knows the port bit by: `led[3]` or `clk100`.
    pub fn lpf_port(&self) -> String {
        match self.bit {
            Some(b) => format!("{}[{b}]", self.port),
            None => self.port.to_string(),
        }
    }
}

/// A clock entering the FPGA.
#[derive(Clone, Debug, Serialize)]
pub struct ClockInput {
    pub port: &'static str,
    pub mhz: f64,
}

/// A board ferrio can be built for.
#[derive(Clone, Debug, Serialize)]
pub struct Board {
    pub name: &'static str,
    pub title: &'static str,
    /// Full part number.
    pub device: &'static str,
    /// nextpnr-ecp5 arguments selecting the part.
    pub nextpnr_device: &'static [&'static str],
    pub pins: Vec<Pin>,
    pub clocks: Vec<ClockInput>,
    /// openFPGALoader cable for JTAG.
    pub cable: &'static str,
    /// Device totals for utilisation reports.
    pub totals: DeviceTotals,
}

/// Resource totals of the FPGA, to report usage against.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct DeviceTotals {
    pub lut4: u64,
    pub ff: u64,
    pub bram: u64,
    pub dcu: u64,
    pub pll: u64,
}

impl Board {
    /// The LPF for this board: every pin, its I/O standard, and the clock constraints.
    pub fn lpf(&self) -> String {
        let mut s = String::new();
        writeln!(s, "# {} ({})", self.title, self.device).unwrap();
        writeln!(
            s,
            "# Written by ferrio-boards from boards/src/{}.rs; do not edit by hand:",
            self.name.replace('-', "_")
        )
        .unwrap();
        writeln!(
            s,
            "# `cargo xtask constraints` rewrites it, and a test compares the two."
        )
        .unwrap();
        writeln!(s, "BLOCK RESETPATHS;\nBLOCK ASYNCPATHS;").unwrap();
        let mut last_port = "";
        for pin in &self.pins {
            if pin.port != last_port {
                writeln!(s, "\n# {}: {}", pin.port, pin.function).unwrap();
                last_port = pin.port;
            }
            let port = pin.lpf_port();
            writeln!(s, "LOCATE COMP \"{port}\" SITE \"{}\";", pin.site).unwrap();
            if let Some(io) = pin.io.lpf_name() {
                let attrs = if pin.attrs.is_empty() {
                    String::new()
                } else {
                    format!(" {}", pin.attrs)
                };
                writeln!(s, "IOBUF PORT \"{port}\" IO_TYPE={io}{attrs};").unwrap();
            }
        }
        writeln!(s).unwrap();
        for clock in &self.clocks {
            writeln!(s, "FREQUENCY PORT \"{}\" {} MHZ;", clock.port, clock.mhz).unwrap();
        }
        s
    }

    /// Pins of one port, in bit order.
    pub fn port(&self, name: &str) -> Vec<&Pin> {
        self.pins.iter().filter(|p| p.port == name).collect()
    }
}

/// Every board, by name.
pub fn all() -> Vec<Board> {
    vec![versa_ecp5_5g::board()]
}

/// The board called `name`.
pub fn find(name: &str) -> Option<Board> {
    all().into_iter().find(|b| b.name == name)
}

/// Path of the checked-in LPF of a board, relative to the repository root.
pub fn lpf_path(board: &str) -> String {
    format!("constraints/{board}.lpf")
}
