//! # ferrio-hdl: the RTL of the ferrio virtio card
//!
//! Everything in this crate is synthesizable rust-hdl that is emitted as Verilog; the Verilog
//! is the product (it is what Verilator simulates and what yosys synthesizes). The folders
//! mirror the layers of `docs/ARCHITECTURE.md`:
//!
//! | module | what lives there |
//! |---|---|
//! | [`card`] | the card core: TLP streams in and out, everything between |
//! | [`device`] | the virtio devices behind the queue engines: virtio-net (issue 6), virtio-blk (issue 5) |
//! | [`dma`] | the DMA engine: read and write requesters, completion routing |
//! | [`common`] | building blocks every layer uses: [`common::Reg`], [`common::stream`], FIFOs, RAMs |
//! | [`ecp5`] | wrappers of ECP5 vendor primitives, each with a simulation model |
//! | [`ethernet`] | the 1 GbE MAC between the net device's frame ports and the PHY (GMII framing, FCS, MDIO) |
//! | [`board`] | board tops (pins of a real board, clocking) |
//! | [`tlp`] | the PCIe transaction layer: configuration space (more in issue 3) |
//! | [`transport`] | the virtio-pci transport: BAR0 layout, function identities |
//! | [`virtio_card`] | the card core with its devices inside (net on function 0, blk on function 1) |
//! | [`virtqueue`] | the packed-virtqueue engine: descriptor fetch, used descriptors, event suppression |
//! | [`tops`] | the registry of every top that is emitted, linted, simulated or synthesized |
//!
//! ## Rules for code in this crate
//! - Every literal used inside `#[hdl_gen]` is a typed [`common::constant`] field, so the
//!   emitted Verilog has no width mismatches.
//! - Every expression that mixes operators is fully parenthesised: rust-hdl copies only the
//!   parentheses written in the source, and Rust and Verilog disagree on precedence.
//! - Every output of a block gets a default at the top of `update()`, so no latch is inferred.
//! - State is held in [`common::Reg`] (synchronous reset to a declared value), never in a
//!   bare rust-hdl `DFF`.

pub mod board;
pub mod card;
pub mod common;
pub mod device;
pub mod dma;
pub mod ecp5;
pub mod ethernet;
pub mod tlp;
pub mod tops;
pub mod transport;
pub mod virtio_card;
pub mod virtqueue;

/// The core clock of the card in Hz: the future PCIe user clock (Gen1 x1 with a 2-symbol PCS
/// gearing gives 125 MHz).
pub const CORE_CLOCK_HZ: u64 = 125_000_000;
