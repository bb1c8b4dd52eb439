//! [`FrameCdc`]: a frame port crossing from one clock to another: an asynchronous FIFO of 16
//! beats {data, bytes, last, err} in distributed RAM, Gray-coded pointers synchronised by two
//! flops each way (the scheme of [`super::EthRgmii`]'s receive crossing, a beat wide).
//! [`super::EthMacRgmii`] puts one on each of its frame ports, so the MAC runs in its own
//! 125 MHz clock and the net device in the card's clock, whatever that is.
//!
//! | port | dir | clock | meaning |
//! |---|---|---|---|
//! | `w_clock`, `w_reset` | in | | the write side's clock and its synchronous reset |
//! | `w_valid`, `w_ready`, `w_data[63:0]`, `w_bytes[3:0]`, `w_last`, `w_err` | in/out/in | `w_clock` | beats in (the frame port's shape, docs/ARCHITECTURE.md); `w_ready` is `!full` (always high in the lossy build), low while `w_reset` |
//! | `r_clock`, `r_reset` | in | | the read side's clock and its synchronous reset |
//! | `r_valid`, `r_ready`, `r_data`, `r_bytes`, `r_last`, `r_err` | out/in/out | `r_clock` | beats out, registered |
//! | `w_drops[31:0]` | out | `w_clock` | lossy build: frames spoilt or lost because a beat found the FIFO full (one per such frame, below) |
//!
//! **Lossy build** (`FrameCdc::lossy`, for a writer that cannot wait, as a receiving MAC):
//! `w_ready` is always high, and a beat that finds the FIFO full is lost. A frame never
//! crosses with a hole: if some of its beats are already in the FIFO it is ended by an extra
//! beat with `last` and `err` (eight zero bytes) as soon as there is room, and the rest of it
//! is dropped; a frame that lost its first beat is dropped whole. The reader drops a frame
//! ending in `err` as it drops one the MAC found bad. With a 125 MHz MAC (a beat every eight cycles
//! on average; a frame's short last beat can follow the one before at once, which the 16
//! entries absorb) and a reader always ready, it cannot fill while the reader's clock is
//! above about 16 MHz.
//!
//! **Reset.** The write pointer never resets; while `r_reset` is high the read pointer
//! follows the (synchronised) write pointer, so the FIFO empties whichever side's clock is
//! running. `w_reset` stops writes (`w_ready` low) and clears the lossy build's state. So no
//! beat crosses half-reset, the two resets must overlap: `r_reset` high from before the last
//! write ahead of `w_reset` until that write has crossed, and `w_reset` high until `r_reset`
//! has ended (a write during the read side's reset is skipped). [`super::EthMacRgmii`] makes
//! them so from one reset with two [`crate::common::ResetSync`]s.
//!
//! **Latency.** Write to `r_valid`: the write, two or three read-side cycles for the pointer,
//! and the output register.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct FrameCdc {
    pub w_clock: Signal<In, Clock>,
    pub w_reset: Signal<In, bool>,
    pub w_valid: Signal<In, bool>,
    pub w_ready: Signal<Out, bool>,
    pub w_data: Signal<In, Bits<64>>,
    pub w_bytes: Signal<In, Bits<4>>,
    pub w_last: Signal<In, bool>,
    pub w_err: Signal<In, bool>,
    pub w_drops: Signal<Out, Bits<32>>,
    pub r_clock: Signal<In, Clock>,
    pub r_reset: Signal<In, bool>,
    pub r_valid: Signal<Out, bool>,
    pub r_ready: Signal<In, bool>,
    pub r_data: Signal<Out, Bits<64>>,
    pub r_bytes: Signal<Out, Bits<4>>,
    pub r_last: Signal<Out, bool>,
    pub r_err: Signal<Out, bool>,
    _lossy: bool,
}

impl FrameCdc {
    fn build(lossy: bool) -> Self {
        FrameCdc {
            w_clock: Default::default(),
            w_reset: Default::default(),
            w_valid: Default::default(),
            w_ready: Default::default(),
            w_data: Default::default(),
            w_bytes: Default::default(),
            w_last: Default::default(),
            w_err: Default::default(),
            w_drops: Default::default(),
            r_clock: Default::default(),
            r_reset: Default::default(),
            r_valid: Default::default(),
            r_ready: Default::default(),
            r_data: Default::default(),
            r_bytes: Default::default(),
            r_last: Default::default(),
            r_err: Default::default(),
            _lossy: lossy,
        }
    }

    /// A crossing whose writer waits on `w_ready` (the transmit side).
    pub fn waiting() -> Self {
        Self::build(false)
    }

    /// A crossing whose writer cannot wait (the receive side): see the module's doc.
    pub fn lossy() -> Self {
        Self::build(true)
    }
}

impl Default for FrameCdc {
    fn default() -> Self {
        Self::waiting()
    }
}

impl Logic for FrameCdc {
    fn update(&mut self) {
        panic!("FrameCdc is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.w_ready.connect();
        self.w_drops.connect();
        self.r_valid.connect();
        self.r_data.connect();
        self.r_bytes.connect();
        self.r_last.connect();
        self.r_err.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "localparam LOSSY = 1'b{};\n{}",
            self._lossy as u8,
            include_str!("frame_cdc.v")
        ))
    }
}
