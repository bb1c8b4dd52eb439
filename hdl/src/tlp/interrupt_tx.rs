//! [`InterruptTx`]: turns the interrupt messages of both functions into TLPs.
//!
//! | message | TLP |
//! |---|---|
//! | INTx assert / deassert | Msg, 4 DW header, routed to the root complex ("local"), code Assert_INTx / Deassert_INTx (0x20+pin / 0x24+pin); function 0 uses INTA, function 1 INTB (their Interrupt Pin registers) |
//! | MSI-X | MWr of one DW, first BE 1111, 3 DW header when the address is below 4 GiB, else 4 DW |
//!
//! Requester ID: the captured bus and device number with the function's number; tag 0.
//! Interface: `fN_msg_*` from [`VirtioPciFunction`](crate::transport::VirtioPciFunction)
//! (held until `fN_msg_ready`, a one-cycle pulse when the TLP's last beat is accepted);
//! `requester` is DW1's requester field as the completer keeps it (bus/device in bits
//! 31:19); `tx` a TLP stream. The two functions take turns when both wait.

use crate::common::{bits, Reg};
use crate::tlp::stream::{TlpSource, WireDw};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct InterruptTx {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub requester: Signal<In, Bits<64>>,
    pub f0_msg_valid: Signal<In, bool>,
    pub f0_msg_ready: Signal<Out, bool>,
    pub f0_msg_intx: Signal<In, bool>,
    pub f0_msg_assert: Signal<In, bool>,
    pub f0_msg_address: Signal<In, Bits<64>>,
    pub f0_msg_data: Signal<In, Bits<32>>,
    pub f1_msg_valid: Signal<In, bool>,
    pub f1_msg_ready: Signal<Out, bool>,
    pub f1_msg_intx: Signal<In, bool>,
    pub f1_msg_assert: Signal<In, bool>,
    pub f1_msg_address: Signal<In, Bits<64>>,
    pub f1_msg_data: Signal<In, Bits<32>>,
    pub tx: TlpSource,
    /// 0: idle; 1, 2, 3: sending beat 0, 1, 2.
    beat: Reg<Bits<2>>,
    sel: Reg<bool>,
    last: Reg<bool>,
    swap: WireDw,
    intx: Signal<Local, bool>,
    level: Signal<Local, bool>,
    address: Signal<Local, Bits<64>>,
    four_dw: Signal<Local, bool>,
    id: Signal<Local, Bits<64>>,
    code: Signal<Local, Bits<64>>,
    final_beat: Signal<Local, bool>,
    b_idle: Constant<Bits<2>>,
    b0: Constant<Bits<2>>,
    b1: Constant<Bits<2>>,
    b2: Constant<Bits<2>>,
    zero64: Constant<Bits<64>>,
    fn1: Constant<Bits<64>>,
    msg_dw0: Constant<Bits<64>>,
    mwr3_dw0: Constant<Bits<64>>,
    mwr4_dw0: Constant<Bits<64>>,
    first_be: Constant<Bits<64>>,
    assert_a: Constant<Bits<64>>,
    deassert_a: Constant<Bits<64>>,
    assert_b: Constant<Bits<64>>,
    deassert_b: Constant<Bits<64>>,
    mask_dw_addr: Constant<Bits<64>>,
    mask_low32: Constant<Bits<64>>,
}

impl Default for InterruptTx {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            requester: Default::default(),
            f0_msg_valid: Default::default(),
            f0_msg_ready: Default::default(),
            f0_msg_intx: Default::default(),
            f0_msg_assert: Default::default(),
            f0_msg_address: Default::default(),
            f0_msg_data: Default::default(),
            f1_msg_valid: Default::default(),
            f1_msg_ready: Default::default(),
            f1_msg_intx: Default::default(),
            f1_msg_assert: Default::default(),
            f1_msg_address: Default::default(),
            f1_msg_data: Default::default(),
            tx: Default::default(),
            beat: Default::default(),
            sel: Default::default(),
            last: Default::default(),
            swap: Default::default(),
            intx: Default::default(),
            level: Default::default(),
            address: Default::default(),
            four_dw: Default::default(),
            id: Default::default(),
            code: Default::default(),
            final_beat: Default::default(),
            b_idle: bits(0),
            b0: bits(1),
            b1: bits(2),
            b2: bits(3),
            zero64: bits(0),
            fn1: bits(0x0001_0000),
            // Msg, 4 DW, no data, routed local (type 10100).
            msg_dw0: bits(0x3400_0000_0000_0000),
            mwr3_dw0: bits(0x4000_0001_0000_0000),
            mwr4_dw0: bits(0x6000_0001_0000_0000),
            first_be: bits(0xf),
            assert_a: bits(0x20),
            deassert_a: bits(0x24),
            assert_b: bits(0x21),
            deassert_b: bits(0x25),
            mask_dw_addr: bits(0xffff_ffff_ffff_fffc),
            mask_low32: bits(0xffff_ffff),
        }
    }
}

impl Logic for InterruptTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, beat, sel, last);
        self.beat.reset.next = self.reset.val();
        self.sel.reset.next = self.reset.val();
        self.last.reset.next = self.reset.val();

        // The message being sent.
        self.intx.next = self.f0_msg_intx.val();
        self.level.next = self.f0_msg_assert.val();
        self.address.next = self.f0_msg_address.val() & self.mask_dw_addr.val();
        self.swap.register.next = self.f0_msg_data.val();
        self.id.next = self.requester.val();
        if self.sel.q.val() {
            self.intx.next = self.f1_msg_intx.val();
            self.level.next = self.f1_msg_assert.val();
            self.address.next = self.f1_msg_address.val() & self.mask_dw_addr.val();
            self.swap.register.next = self.f1_msg_data.val();
            self.id.next = self.requester.val() | self.fn1.val();
        }
        self.four_dw.next = (self.address.val() >> 32) != self.zero64.val();
        self.code.next = self.deassert_a.val();
        if self.sel.q.val() {
            if self.level.val() {
                self.code.next = self.assert_b.val();
            } else {
                self.code.next = self.deassert_b.val();
            }
        } else if self.level.val() {
            self.code.next = self.assert_a.val();
        }

        self.tx.valid.next = self.beat.q.val() != self.b_idle.val();
        self.tx.sop.next = self.beat.q.val() == self.b0.val();
        self.tx.upper_only.next = false;
        self.tx.data.next = self.zero64.val();
        self.final_beat.next = false;
        if self.beat.q.val() == self.b0.val() {
            if self.intx.val() {
                self.tx.data.next = self.msg_dw0.val() | self.id.val() | self.code.val();
            } else if self.four_dw.val() {
                self.tx.data.next = self.mwr4_dw0.val() | self.id.val() | self.first_be.val();
            } else {
                self.tx.data.next = self.mwr3_dw0.val() | self.id.val() | self.first_be.val();
            }
        } else if self.beat.q.val() == self.b1.val() {
            if self.intx.val() {
                self.final_beat.next = true;
            } else if self.four_dw.val() {
                self.tx.data.next = self.address.val();
            } else {
                self.final_beat.next = true;
                self.tx.data.next =
                    ((self.address.val() & self.mask_low32.val()) << 32) | self.swap.low_half.val();
            }
        } else if self.beat.q.val() == self.b2.val() {
            self.final_beat.next = true;
            self.tx.upper_only.next = true;
            self.tx.data.next = self.swap.low_half.val() << 32;
        }
        self.tx.eop.next = self.final_beat.val();
        self.f0_msg_ready.next = self.final_beat.val() & self.tx.ready.val() & (!self.sel.q.val());
        self.f1_msg_ready.next = self.final_beat.val() & self.tx.ready.val() & self.sel.q.val();

        if self.beat.q.val() == self.b_idle.val() {
            // Take turns: the function that did not go last wins a tie.
            if self.f0_msg_valid.val() & ((!self.f1_msg_valid.val()) | self.last.q.val()) {
                self.sel.d.next = false;
                self.beat.d.next = self.b0.val();
            } else if self.f1_msg_valid.val() {
                self.sel.d.next = true;
                self.beat.d.next = self.b0.val();
            }
        } else if self.tx.ready.val() {
            if self.final_beat.val() {
                self.beat.d.next = self.b_idle.val();
                self.last.d.next = self.sel.q.val();
            } else {
                self.beat.d.next = self.beat.q.val() + self.b0.val();
            }
        }
    }
}
