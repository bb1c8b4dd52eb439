//! [`TxArbiter`]: merges two TLP streams into `tx`, a whole TLP at a time.
//!
//! When both sources wait, the one that did not send the previous TLP goes first, so neither
//! can starve the other: a completion waits for at most one TLP of the other source (the
//! issue's "completions never starved"). A source keeps the grant from its `sop` beat to its
//! `eop` beat. No added latency: a waiting TLP's first beat passes in the cycle it is offered.
//! `a` carries completions, `b` requests (interrupt messages now; DMA joins in issue 4).

use crate::common::Reg;
use crate::tlp::stream::{TlpSink, TlpSource};
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct TxArbiter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub a: TlpSink,
    pub b: TlpSink,
    pub tx: TlpSource,
    /// A TLP is part-way through.
    locked: Reg<bool>,
    /// Owner of the current (locked) TLP: false a, true b.
    owner: Reg<bool>,
    /// Who sent the last TLP.
    last_b: Reg<bool>,
    pick_b: Signal<Local, bool>,
}

impl Logic for TxArbiter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, locked, owner, last_b);
        self.locked.reset.next = self.reset.val();
        self.owner.reset.next = self.reset.val();
        self.last_b.reset.next = self.reset.val();

        self.pick_b.next = self.b.valid.val() & ((!self.a.valid.val()) | (!self.last_b.q.val()));
        if self.locked.q.val() {
            self.pick_b.next = self.owner.q.val();
        }
        self.tx.valid.next = self.a.valid.val();
        self.tx.data.next = self.a.data.val();
        self.tx.sop.next = self.a.sop.val();
        self.tx.eop.next = self.a.eop.val();
        self.tx.upper_only.next = self.a.upper_only.val();
        self.a.ready.next = self.tx.ready.val() & (!self.pick_b.val());
        self.b.ready.next = self.tx.ready.val() & self.pick_b.val();
        if self.pick_b.val() {
            self.tx.valid.next = self.b.valid.val();
            self.tx.data.next = self.b.data.val();
            self.tx.sop.next = self.b.sop.val();
            self.tx.eop.next = self.b.eop.val();
            self.tx.upper_only.next = self.b.upper_only.val();
        }
        if self.tx.valid.val() & self.tx.ready.val() {
            if self.tx.eop.val() {
                self.locked.d.next = false;
                self.last_b.d.next = self.pick_b.val();
            } else {
                self.locked.d.next = true;
                self.owner.d.next = self.pick_b.val();
            }
        }
    }
}
