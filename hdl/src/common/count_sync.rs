//! [`CountSync`]: an event counter of another clock domain counted again in this one.
//!
//! The source counter goes up by one per event; its bit 0 toggles with each, and only that bit
//! crosses (two synchronising flops): each change of it counts one here. So the count is exact
//! as long as two events in the source are more than one `clock` cycle apart (each level of
//! bit 0 is then sampled at least once), and a few cycles late.
//!
//! | port | dir | clock | meaning |
//! |---|---|---|---|
//! | `clock`, `reset` | in | | this domain's clock and synchronous reset (zeroes the count) |
//! | `src_count[31:0]` | in | the source's | the source's counter (only bit 0 is read) |
//! | `count[31:0]` | out | `clock` | events seen, registered |
//!
//! Reset both sides together: a source counter reset from an odd value is a toggle, and
//! counts unless this side is still in reset when it crosses.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct CountSync {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub src_count: Signal<In, Bits<32>>,
    pub count: Signal<Out, Bits<32>>,
}

impl Logic for CountSync {
    fn update(&mut self) {
        panic!("CountSync is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.count.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "reg t1, t2, t3;
wire unused_src = &{1'b0, src_count[31:1]};
initial begin t1 = 1'b0; t2 = 1'b0; t3 = 1'b0; count = 32'h0; end
always @(posedge clock) begin
  t1 <= src_count[0];
  t2 <= t1;
  t3 <= t2;
  if (reset) count <= 32'h0;
  else if (t2 ^ t3) count <= count + 32'd1;
end
"
            .to_string(),
        )
    }
}
