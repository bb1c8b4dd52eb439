//! [`Heartbeat`]: the first board top. It proves the clocking the card will use (100 MHz
//! oscillator -> EHXPLLL -> 125 MHz core clock, the future PCIe user clock) and the board's
//! basic I/O.
//!
//! | pin | behaviour |
//! |---|---|
//! | `led[0]` | heartbeat: toggles every `2^DIV` core cycles (`DIV = 26`: 0.54 s at 125 MHz) |
//! | `led[7:1]` | DIP switches 7..1, two core cycles after synchronisation |
//! | `seg[0]` (segment A) | DIP switch 0 |
//! | `seg[13:1]` | off |
//! | `seg_dp` | lit while the PLL is locked |
//! | `rst_n` (button) | holds the core in reset while pressed, as does a PLL out of lock |
//!
//! LEDs and the display are active low on the Versa, so every output is inverted here.
//! The core reset is released two core cycles after the button is released and the PLL locked.

use crate::common::{bits, Reg};
use crate::ecp5::Ehxplll;
use rust_hdl::prelude::*;

/// Heartbeat divider for the board build: `2^26` cycles at 125 MHz is 0.54 s.
pub const BOARD_DIV: usize = 26;

#[derive(LogicBlock)]
pub struct Heartbeat<const DIV: usize> {
    pub clk100: Signal<In, Clock>,
    pub rst_n: Signal<In, bool>,
    pub dip: Signal<In, Bits<8>>,
    pub led: Signal<Out, Bits<8>>,
    pub seg: Signal<Out, Bits<14>>,
    pub seg_dp: Signal<Out, bool>,
    pll: Ehxplll,
    reset_meta: Reg<bool>,
    reset_sync: Reg<bool>,
    dip_meta: Reg<Bits<8>>,
    dip_sync: Reg<Bits<8>>,
    counter: Reg<Bits<DIV>>,
    beat: Reg<bool>,
    core_clock: Signal<Local, Clock>,
    pll_unlocked: Signal<Local, bool>,
    lit: Signal<Local, Bits<8>>,
    segments: Signal<Local, Bits<14>>,
    one: Constant<Bits<DIV>>,
    all_ones: Constant<Bits<DIV>>,
    dip_upper: Constant<Bits<8>>,
    beat_bit: Constant<Bits<8>>,
    dip0_bit: Constant<Bits<8>>,
    seg_a: Constant<Bits<14>>,
    no_segments: Constant<Bits<14>>,
}

impl<const DIV: usize> Default for Heartbeat<DIV> {
    fn default() -> Self {
        Self {
            clk100: Default::default(),
            rst_n: Default::default(),
            dip: Default::default(),
            led: Default::default(),
            seg: Default::default(),
            seg_dp: Default::default(),
            pll: Default::default(),
            reset_meta: Reg::new(true),
            reset_sync: Reg::new(true),
            dip_meta: Default::default(),
            dip_sync: Default::default(),
            counter: Default::default(),
            beat: Default::default(),
            core_clock: Default::default(),
            pll_unlocked: Default::default(),
            lit: Default::default(),
            segments: Default::default(),
            one: bits(1),
            all_ones: Constant::new(Bits::<DIV>::mask()),
            dip_upper: bits(0xfe),
            beat_bit: bits(0x01),
            dip0_bit: bits(0x01),
            seg_a: bits(0x0001),
            no_segments: bits(0),
        }
    }
}

impl<const DIV: usize> Logic for Heartbeat<DIV> {
    #[hdl_gen]
    fn update(&mut self) {
        self.pll.clkin.next = self.clk100.val();
        self.core_clock.next = self.pll.clkout.val();
        self.pll_unlocked.next = !self.pll.lock.val();
        dff_setup!(self, core_clock, reset_meta, reset_sync, dip_meta, dip_sync, counter, beat);

        // Reset synchroniser: forced while the PLL is unlocked, else follows the button.
        self.reset_meta.reset.next = self.pll_unlocked.val();
        self.reset_sync.reset.next = self.pll_unlocked.val();
        self.reset_meta.d.next = !self.rst_n.val();
        self.reset_sync.d.next = self.reset_meta.q.val();

        // Everything else is reset by the synchronised reset.
        self.dip_meta.reset.next = self.reset_sync.q.val();
        self.dip_sync.reset.next = self.reset_sync.q.val();
        self.counter.reset.next = self.reset_sync.q.val();
        self.beat.reset.next = self.reset_sync.q.val();

        self.dip_meta.d.next = self.dip.val();
        self.dip_sync.d.next = self.dip_meta.q.val();
        self.counter.d.next = self.counter.q.val() + self.one.val();
        if self.counter.q.val() == self.all_ones.val() {
            self.beat.d.next = !self.beat.q.val();
        }

        self.lit.next = self.dip_sync.q.val() & self.dip_upper.val();
        if self.beat.q.val() {
            self.lit.next = self.lit.val() | self.beat_bit.val();
        }
        self.segments.next = self.no_segments.val();
        if (self.dip_sync.q.val() & self.dip0_bit.val()) == self.dip0_bit.val() {
            self.segments.next = self.seg_a.val();
        }
        self.led.next = !self.lit.val();
        self.seg.next = !self.segments.val();
        self.seg_dp.next = !self.pll.lock.val();
    }
}
