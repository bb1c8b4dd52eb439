//! [`ResetSync`]: a synchronous reset carried into another clock domain.
//!
//! | port | dir | clock | meaning |
//! |---|---|---|---|
//! | `clock` | in | | the destination clock |
//! | `reset_in` | in | any | the reset to carry; hold it at least two `clock` cycles |
//! | `reset_out` | out | `clock` | registered: high three cycles after `reset_in` rises (two synchronising flops and the output), and until four cycles after it falls; high from power-up until then |
//!
//! The extra cycle after the fall keeps the destination in reset until whatever the source
//! did on its last reset cycle has crossed (see [`crate::ethernet::FrameCdc`]).

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct ResetSync {
    pub clock: Signal<In, Clock>,
    pub reset_in: Signal<In, bool>,
    pub reset_out: Signal<Out, bool>,
}

impl Logic for ResetSync {
    fn update(&mut self) {
        panic!("ResetSync is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.reset_out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "reg m1, m2, s1;
initial begin m1 = 1'b1; m2 = 1'b1; s1 = 1'b1; reset_out = 1'b1; end
always @(posedge clock) begin
  m1 <= reset_in;
  m2 <= m1;
  s1 <= m2;
  reset_out <= m2 | s1;
end
"
            .to_string(),
        )
    }
}
