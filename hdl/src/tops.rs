//! The registry of every top ferrio emits. `cargo xtask verilog` writes each one,
//! `cargo xtask lint` lints each one, `ferrio-sim` builds a Verilator model of each simulation
//! top, and `cargo xtask bitstream` synthesizes board tops and (out of context) cores.
//!
//! | top | kind | clock port | what it is |
//! |---|---|---|---|
//! | `skid_buffer` | sim | `clock` | [`SkidBuffer`] of 32-bit items |
//! | `fifo_lut` | sim, core | `clock` | [`FifoLut`], 16 x 16 bits in distributed RAM |
//! | `fifo_bram` | sim, core | `clock` | [`FifoBram`], 512 x 64 bits: the deep FIFO (2 DP16KD) |
//! | `bram_sdp` | sim, core | `clock` | [`BramSdp`], 1024 x 64 bits with byte enables (4 DP16KD) |
//! | `config_space` | sim, core | `clock` | [`ConfigSpace`] of both functions, default build |
//! | `config_space_proxy` | sim, core | `clock` | [`ConfigSpace`], QEMU proxy build (32-bit BAR0, no MSI-X) |
//! | `card` | sim, core | `clock` | [`Card`]: the card core (TLP streams), default build |
//! | `card_proxy` | sim, core | `clock` | [`Card`], QEMU proxy build |
//! | `card_q32k` | sim | `clock` | [`Card`] allowing queues of 32768 (queue-size tests) |
//! | `virtio_card` | sim | `clock` | [`VirtioCard`]: the card core with the net device on function 0 and the blk device on function 1; frame ports and storage port served from Rust |
//! | `virtio_card_proxy` | sim | `clock` | [`VirtioCard`] in the QEMU proxy build (32-bit BAR0, no MSI-X, a 16 MiB disk: [`VirtioCard::for_qemu_proxy`]): what `cargo xtask demo` attaches to a Linux guest |
//! | `virtio_card_bram` | core | `clock` | [`VirtioCardBram`]: the same as the board carries it: the net device's two queue pairs (`NetConfig::board`), the blk device's one request queue and 128 KiB block-RAM disk (`BlkConfig::board`) |
//! | `blk_device` | sim, core | `clock` | [`BlkDeviceBram`]: the virtio-blk device and its 128 KiB block-RAM store (device tests) |
//! | `blk_device_ro` | sim | `clock` | [`BlkDeviceBram`], read-only build (`BlkConfig::read_only`, VIRTIO_BLK_F_RO): the same ports as `blk_device` |
//! | `net_device` | sim, core | `clock` | [`NetDevice`]: the virtio-net device, default build (device tests; placed out of context for its Fmax, about 2.5 min) |
//! | `eth_mac` | sim, core | `clock` | [`EthMac`]: the 1 GbE MAC's GMII transmit and receive and its MDIO link reader, side by side (MDC every 8 cycles, a read every 64 cycles in this build) |
//! | `frame_cdc` | sim, core | `w_clock` | [`FrameCdc`]: a frame port crossing from `w_clock` to `r_clock` (both driven from Rust), the writer waiting on `w_ready` |
//! | `frame_cdc_lossy` | sim | `w_clock` | [`FrameCdc::lossy`]: the same for a writer that cannot wait |
//! | `eth_rgmii` | sim | `clock` | [`EthMacRgmii`]: the MAC as a board carries it (its two frame crossings, RGMII pads with the ECP5 DDR cells, the receive clock crossing, PHY reset, MDIO), short reset and MDIO timings, 2 ns `DELAYG` on the transmit clock and the receive inputs; `mac_clock` and `rgmii_rx_clk` are further clocks driven from Rust |
//! | `eth_echo_sim` | sim | `clk100` | [`EthEcho`] with short PHY reset and MDIO timings, for simulation |
//! | `eth_echo` | board `versa-ecp5-5g` | `clk100` | [`EthEcho`] as built for the board: the MAC on Ethernet port 0 echoing frames |
//! | `heartbeat_sim` | sim | `clk100` | [`Heartbeat`] with a 2^4-cycle beat, for simulation |
//! | `heartbeat` | board `versa-ecp5-5g` | `clk100` | [`Heartbeat`] as built for the board |

use crate::board::eth_echo::{self, EthEcho};
use crate::board::heartbeat::{Heartbeat, BOARD_DIV};
use crate::card::Card;
use crate::common::{BramSdp, FifoBram, FifoLut, SkidBuffer};
use crate::device::blk::{BlkConfig, BlkDeviceBram};
use crate::device::net::{NetConfig, NetDevice};
use crate::ecp5;
use crate::ethernet::{EthMac, EthMacRgmii, FrameCdc, MacParams};
use crate::tlp::ConfigSpace;
use crate::transport::CardConfig;
use crate::virtio_card::{VirtioCard, VirtioCardBram};
use rust_hdl::prelude::*;

/// What a top is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Simulated through Verilator by tests (and synthesizable out of context).
    Sim,
    /// Pins of the named board: built into a bitstream.
    Board(&'static str),
    /// Synthesized out of context only (not simulated: its parts are, in other tops).
    Core,
}

/// One emitted top.
#[derive(Clone, Copy, Debug)]
pub struct Top {
    pub name: &'static str,
    pub kind: Kind,
    /// The input port that `tick()` toggles in simulation.
    pub clock: &'static str,
    /// The port that `reset()` drives in simulation, and the level that resets.
    pub reset: Option<(&'static str, bool)>,
    /// Synthesizable without board pins (for out-of-context size and Fmax).
    pub core: bool,
    pub describe: &'static str,
    verilog: fn() -> String,
}

impl Top {
    /// The top's Verilog as rust-hdl emits it (module `top`), without vendor cell models: this
    /// is what yosys reads.
    pub fn verilog(&self) -> String {
        (self.verilog)()
    }

    /// The Verilog plus the behavioural models of the vendor cells: what Verilator reads.
    pub fn verilog_for_simulation(&self) -> String {
        let v = self.verilog();
        let m = ecp5::sim_models_for(&v);
        format!("{v}\n{m}")
    }
}

fn emit<B: Block + Default>() -> String {
    emit_block(B::default())
}

fn emit_block<B: Block>(mut uut: B) -> String {
    uut.connect_all();
    generate_verilog(&uut)
}

/// The MAC's parameters in simulation tops: PHY at MDIO address 1, MDC every 8 cycles, BMSR
/// read every 64 cycles, PHY reset 16 cycles and 8 more before MDIO; `taps` x 25 ps of `DELAYG`
/// on the transmit clock and the receive inputs (passed through by the models).
pub fn sim_mac_params(taps: u8) -> MacParams {
    MacParams {
        max_data: NetConfig::default().max_frame(),
        phy: 1,
        mdc_half: 4,
        poll: 64,
        reset_hold: 16,
        reset_wait: 8,
        tx_clk_taps: taps,
        rx_taps: taps,
    }
}

/// Every top, in a stable order.
pub fn all() -> Vec<Top> {
    vec![
        Top {
            name: "skid_buffer",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "SkidBuffer<Bits<32>>",
            verilog: emit::<SkidBuffer<Bits<32>>>,
        },
        Top {
            name: "fifo_lut",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "FifoLut<Bits<16>, 4>: 16 x 16 bits, distributed RAM",
            verilog: emit::<FifoLut<Bits<16>, 4>>,
        },
        Top {
            name: "fifo_bram",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "FifoBram<64, 8, 9>: 512 x 64 bits, block RAM",
            verilog: emit::<FifoBram<64, 8, 9>>,
        },
        Top {
            name: "bram_sdp",
            kind: Kind::Sim,
            clock: "clock",
            reset: None,
            core: true,
            describe: "BramSdp<64, 8, 10>: 1024 x 64 bits with byte enables",
            verilog: emit::<BramSdp<64, 8, 10>>,
        },
        Top {
            name: "config_space",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "ConfigSpace of both functions, default build (64-bit BAR0, MSI-X)",
            verilog: emit::<ConfigSpace>,
        },
        Top {
            name: "config_space_proxy",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "ConfigSpace of both functions, QEMU proxy build (32-bit BAR0, no MSI-X)",
            verilog: || emit_block(ConfigSpace::new(&CardConfig::for_qemu_proxy())),
        },
        Top {
            name: "card",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "the card core, default build (64-bit BAR0, MSI-X)",
            verilog: emit::<Card>,
        },
        Top {
            name: "card_proxy",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "the card core, QEMU proxy build (32-bit BAR0, no MSI-X)",
            verilog: || emit_block(Card::new(&CardConfig::for_qemu_proxy())),
        },
        Top {
            name: "card_q32k",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: false,
            describe: "the card core with queue_size_max 32768 on every queue (queue-size tests)",
            verilog: || emit_block(Card::new(&CardConfig::with_largest_queues())),
        },
        Top {
            name: "virtio_card",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: false,
            describe: "the card core with the virtio-blk device on function 1 (its storage port served from Rust)",
            verilog: emit::<VirtioCard>,
        },
        Top {
            name: "virtio_card_proxy",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: false,
            describe: "the card with net and blk in the QEMU proxy build (32-bit BAR0, no MSI-X, 16 MiB disk): the Linux guest's card",
            verilog: || emit_block(VirtioCard::for_qemu_proxy()),
        },
        Top {
            name: "virtio_card_bram",
            kind: Kind::Core,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "the card core as the board carries it: net (two pairs), blk (one queue, 128 KiB block-RAM disk); out-of-context size and Fmax",
            verilog: emit::<VirtioCardBram>,
        },
        Top {
            name: "blk_device",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "the virtio-blk device with its 128 KiB block-RAM store, default build (device tests)",
            verilog: emit::<BlkDeviceBram>,
        },
        Top {
            name: "blk_device_ro",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: false,
            describe: "the virtio-blk device with its block-RAM store, read-only build (BLK-12 tests)",
            verilog: || emit_block(BlkDeviceBram::new(&BlkConfig::read_only(), true)),
        },
        Top {
            name: "net_device",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "the virtio-net device, default build (device tests; out of context for its Fmax)",
            verilog: || emit_block(NetDevice::new(&NetConfig::default(), false)),
        },
        Top {
            name: "eth_mac",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: true,
            describe: "the 1 GbE MAC's GMII transmit, receive and MDIO link reader",
            verilog: || emit_block(EthMac::new(NetConfig::default().max_frame(), 1, 4, 64)),
        },
        Top {
            name: "frame_cdc",
            kind: Kind::Sim,
            clock: "w_clock",
            reset: Some(("w_reset", true)),
            core: true,
            describe: "FrameCdc: a frame port crossing between two clocks, the writer waiting on ready",
            verilog: || emit_block(FrameCdc::waiting()),
        },
        Top {
            name: "frame_cdc_lossy",
            kind: Kind::Sim,
            clock: "w_clock",
            reset: Some(("w_reset", true)),
            core: false,
            describe: "FrameCdc, lossy build: the writer cannot wait (a receiving MAC)",
            verilog: || emit_block(FrameCdc::lossy()),
        },
        Top {
            name: "eth_rgmii",
            kind: Kind::Sim,
            clock: "clock",
            reset: Some(("reset", true)),
            core: false,
            describe: "the 1 GbE MAC with its RGMII pads, receive clock crossing, PHY reset and MDIO",
            verilog: || emit_block(EthMacRgmii::new(&sim_mac_params(80))),
        },
        Top {
            name: "eth_echo_sim",
            kind: Kind::Sim,
            clock: "clk100",
            reset: Some(("rst_n", false)),
            core: false,
            describe: "EthEcho: the Ethernet echo board top with short PHY reset and MDIO timings",
            verilog: || emit_block(EthEcho::new(&sim_mac_params(0))),
        },
        Top {
            name: "eth_echo",
            kind: Kind::Board("versa-ecp5-5g"),
            clock: "clk100",
            reset: Some(("rst_n", false)),
            core: false,
            describe: "EthEcho: the 1 GbE MAC on Ethernet port 0 (RGMII), echoing every good frame",
            verilog: || {
                eth_echo::board_verilog(&emit_block(EthEcho::new(&MacParams::versa(
                    NetConfig::default().max_frame(),
                    0,
                ))))
            },
        },
        Top {
            name: "heartbeat_sim",
            kind: Kind::Sim,
            clock: "clk100",
            reset: Some(("rst_n", false)),
            core: false,
            describe: "Heartbeat<4>: the board top with a 16-cycle beat",
            verilog: emit::<Heartbeat<4>>,
        },
        Top {
            name: "heartbeat",
            kind: Kind::Board("versa-ecp5-5g"),
            clock: "clk100",
            reset: Some(("rst_n", false)),
            core: false,
            describe: "Heartbeat<26>: PLL, LED heartbeat, DIP switches, lock on the display",
            verilog: emit::<Heartbeat<BOARD_DIV>>,
        },
    ]
}

/// The top called `name`.
pub fn find(name: &str) -> Option<Top> {
    all().into_iter().find(|t| t.name == name)
}
