//! [`Reg`]: the only way state is held in ferrio.
//!
//! Interface: `d` is captured into `q` at every rising edge of `clock`; when `reset` is high at
//! that edge `q` takes the reset value instead. Latency one cycle. `reset` is synchronous and
//! active high (it comes from the board's reset synchroniser, or later from the PCIe link's
//! hot reset). The register also powers up holding its reset value (an `initial` that yosys
//! turns into the flip-flop's init and Verilator applies at time zero).
//!
//! In `#[hdl_gen]` code, `dff_setup!(self, clock, r1, r2, ..)` wires `clock` and holds `q`
//! (the port names match rust-hdl's `DFF`); `reset` is wired explicitly, one line a register.
//!
//! Why not rust-hdl's `DFF`: its initial value is a 64-bit literal for enums (a WIDTH lint),
//! it has no reset, and its rust-hdl simulation starts from `T::default()` rather than the
//! declared value. This block fixes all three.

use crate::common::constant::verilog_literal;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Reg<T: Synth> {
    pub clock: Signal<In, Clock>,
    /// Synchronous, active high.
    pub reset: Signal<In, bool>,
    pub d: Signal<In, T>,
    pub q: Signal<Out, T>,
    _init: T,
}

impl<T: Synth> Reg<T> {
    /// A register that resets (and powers up) to `init`.
    pub fn new(init: T) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            d: Default::default(),
            q: Signal::new_with_default(init),
            _init: init,
        }
    }
}

impl<T: Synth> Default for Reg<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Synth> Logic for Reg<T> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.q.next = if self.reset.val() {
                self._init
            } else {
                self.d.val()
            };
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        let init = verilog_literal(self._init);
        Verilog::Custom(format!(
            "initial q = {init};\n\
             always @(posedge clock) begin\n   \
                if (reset) q <= {init};\n   \
                else q <= d;\n\
             end\n"
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "reg".into(),
            clock: "clock".into(),
            inputs: vec!["d".into(), "reset".into()],
            outputs: vec!["q".into()],
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(r: &mut Reg<Bits<8>>) {
        r.clock.next = Clock::from(false);
        assert!(simulate(r, 100));
        r.clock.next = Clock::from(true);
        assert!(simulate(r, 100));
    }

    #[test]
    fn reg_powers_up_and_resets_to_its_declared_value_and_otherwise_captures_d() {
        let mut r = Reg::new(Bits::<8>::from(0x5au64));
        r.connect_all();
        assert_eq!(r.q.val(), 0x5a, "power-up value");
        r.d.next = Bits::from(3u64);
        tick(&mut r);
        assert_eq!(r.q.val(), 3);
        r.reset.next = true;
        tick(&mut r);
        assert_eq!(r.q.val(), 0x5a, "synchronous reset value");
        r.reset.next = false;
        r.d.next = Bits::from(9u64);
        tick(&mut r);
        assert_eq!(r.q.val(), 9);
    }

    #[test]
    fn reg_verilog_uses_an_exactly_sized_reset_literal_and_a_synchronous_reset() {
        let mut r = Reg::new(Bits::<12>::from(0xabcu64));
        r.connect_all();
        let v = generate_verilog(&r);
        assert!(v.contains("initial q = 12'habc;"), "{v}");
        assert!(v.contains("always @(posedge clock)"), "{v}");
        assert!(v.contains("if (reset) q <= 12'habc;"), "{v}");
    }
}
