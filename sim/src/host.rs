//! The host model, first part (issue 3 in progress): a root complex that talks TLPs to a
//! Verilated card core over its `rx`/`tx` streams. It sends a request beat by beat (honouring
//! `rx.ready`), keeps `tx.ready` high, and decodes every TLP the card sends.
//!
//! Later parts (enumerator with an `lspci -vv`-style dump, MMIO, interrupt capture, link-rate
//! serialisation, host memory with its access checker) build on [`RootComplex::transact`].

use crate::models::{Card, CardProxy};
use crate::tlp::{bdf, from_beats, Beat, CplStatus, Kind, Malformed, Tlp};

/// A Verilated card core: either build.
pub trait CardPort {
    /// Offer `beat` on `rx` (or nothing), keep `tx.ready` high, run one clock cycle. Returns
    /// whether the offered beat was taken and the beat the card sent, if any.
    fn cycle(&mut self, beat: Option<Beat>) -> (bool, Option<Beat>);
    /// Reset the card.
    fn reset_card(&mut self);
    /// Whether the card flagged a malformed TLP in this cycle (before the next edge).
    fn malformed_now(&mut self) -> bool;
}

macro_rules! card_port {
    ($t:ty) => {
        impl CardPort for $t {
            fn cycle(&mut self, beat: Option<Beat>) -> (bool, Option<Beat>) {
                let b = beat.unwrap_or(Beat {
                    data: 0,
                    sop: false,
                    eop: false,
                    upper_only: false,
                });
                self.set_rx_valid(beat.is_some() as u64);
                self.set_rx_data(b.data);
                self.set_rx_sop(b.sop as u64);
                self.set_rx_eop(b.eop as u64);
                self.set_rx_upper_only(b.upper_only as u64);
                self.set_tx_ready(1);
                let taken = beat.is_some() && self.rx_ready() == 1;
                let sent = (self.tx_valid() == 1).then(|| Beat {
                    data: self.tx_data(),
                    sop: self.tx_sop() == 1,
                    eop: self.tx_eop() == 1,
                    upper_only: self.tx_upper_only() == 1,
                });
                self.tick(1);
                (taken, sent)
            }
            fn reset_card(&mut self) {
                self.reset(2);
            }
            fn malformed_now(&mut self) -> bool {
                self.malformed() == 1
            }
        }
    };
}
card_port!(Card);
card_port!(CardProxy);

/// What came back for one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// A completion for the request's tag.
    Completion(Tlp),
    /// Nothing within the time limit (right for posted and dropped requests).
    Nothing,
}

/// A root complex at bus 0, device 0, function 0, with the card below it on bus 1.
pub struct RootComplex<C: CardPort> {
    pub card: C,
    pub requester: u16,
    pub card_bus: u8,
    next_tag: u8,
    /// Every TLP the card sent, in order.
    pub received: Vec<Tlp>,
    /// Malformed pulses seen.
    pub malformed: usize,
    /// Cycles to wait for a completion before answering [`Answer::Nothing`].
    pub timeout: u64,
}

impl<C: CardPort> RootComplex<C> {
    pub fn new(mut card: C) -> Self {
        card.reset_card();
        RootComplex {
            card,
            requester: bdf(0, 0, 0),
            card_bus: 1,
            next_tag: 0,
            received: Vec::new(),
            malformed: 0,
            timeout: 64,
        }
    }

    fn tag(&mut self) -> u8 {
        self.next_tag = self.next_tag.wrapping_add(1);
        self.next_tag
    }

    fn step(&mut self, beat: Option<Beat>, pending: &mut Vec<Beat>) -> Result<bool, Malformed> {
        if self.card.malformed_now() {
            self.malformed += 1;
        }
        let (taken, sent) = self.card.cycle(beat);
        if let Some(b) = sent {
            pending.push(b);
            if b.eop {
                let tlp = Tlp::decode(&from_beats(pending))?;
                pending.clear();
                self.received.push(tlp);
            }
        }
        Ok(taken)
    }

    /// Send raw DWs (possibly malformed) and wait for a completion with `tag`.
    pub fn transact_dws(&mut self, dws: &[u32], tag: u8) -> Result<Answer, Malformed> {
        let mut pending = Vec::new();
        let before = self.received.len();
        for beat in crate::tlp::to_beats(dws) {
            let mut guard = 0;
            while !self.step(Some(beat), &mut pending)? {
                guard += 1;
                assert!(guard < 1000, "the card never took the beat");
            }
        }
        for _ in 0..self.timeout {
            self.step(None, &mut pending)?;
            if let Some(t) = self.received[before..].iter().find(|t| {
                matches!(t.kind, Kind::Completion { .. })
                    && t.tag == tag
                    && t.requester == self.requester
            }) {
                return Ok(Answer::Completion(t.clone()));
            }
        }
        Ok(Answer::Nothing)
    }

    /// Send a TLP and wait for its completion.
    pub fn transact(&mut self, tlp: &Tlp) -> Answer {
        self.transact_dws(&tlp.encode(), tlp.tag)
            .unwrap_or_else(|e| panic!("the card sent a malformed TLP: {e}"))
    }

    fn target(&self, function: u8) -> u16 {
        bdf(self.card_bus, 0, function)
    }

    /// Configuration read of register DW `register` of `function`: the register view.
    pub fn cfg_read(&mut self, function: u8, register: u16) -> Result<u32, CplStatus> {
        let tag = self.tag();
        let req = Tlp::cfg_read(self.requester, tag, self.target(function), register, 0xf);
        match self.transact(&req) {
            Answer::Completion(c) => match c.kind {
                Kind::Completion {
                    status: CplStatus::Success,
                    with_data: true,
                    ..
                } => Ok(c.data[0].swap_bytes()),
                Kind::Completion { status, .. } => Err(status),
                _ => unreachable!(),
            },
            Answer::Nothing => panic!("no completion for a configuration read"),
        }
    }

    /// Configuration write (register view) with byte enables.
    pub fn cfg_write(
        &mut self,
        function: u8,
        register: u16,
        be: u8,
        value: u32,
    ) -> Result<(), CplStatus> {
        let tag = self.tag();
        let req = Tlp::cfg_write(
            self.requester,
            tag,
            self.target(function),
            register,
            be,
            value,
        );
        match self.transact(&req) {
            Answer::Completion(c) => match c.kind {
                Kind::Completion {
                    status: CplStatus::Success,
                    with_data: false,
                    ..
                } => Ok(()),
                Kind::Completion { status, .. } => Err(status),
                _ => unreachable!(),
            },
            Answer::Nothing => panic!("no completion for a configuration write"),
        }
    }
}
