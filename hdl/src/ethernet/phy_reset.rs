//! [`PhyReset`]: the Ethernet PHY's hardware reset after the core comes out of reset. The
//! Versa's 88E1512 wants its reset pin low for at least 10 ms and no management access for a
//! while after release (the board build: 10 ms low, then 5 ms before MDIO starts).
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `clock`, `reset` | in | core clock; `reset` (synchronous) starts the sequence again |
//! | `phy_rst_n` | out | to the PHY's reset pin: low for `hold` cycles after `reset`, then high |
//! | `ready` | out | high from `hold + wait` cycles after `reset`: the MDIO reader may start |
//!
//! Both outputs are registered. The sequence runs once per core reset.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct PhyReset {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub phy_rst_n: Signal<Out, bool>,
    pub ready: Signal<Out, bool>,
    _hold: u32,
    _wait: u32,
}

impl PhyReset {
    /// Reset low for `hold` cycles, then `wait` cycles more before `ready`.
    pub fn new(hold: u32, wait: u32) -> Self {
        assert!(hold >= 1 && u64::from(hold) + u64::from(wait) < (1 << 24));
        PhyReset {
            clock: Default::default(),
            reset: Default::default(),
            phy_rst_n: Default::default(),
            ready: Default::default(),
            _hold: hold,
            _wait: wait,
        }
    }
}

impl Logic for PhyReset {
    fn update(&mut self) {
        panic!("PhyReset is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.phy_rst_n.connect();
        self.ready.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "localparam [23:0] HOLD = 24'd{hold}, DONE = 24'd{done};
reg [23:0] n;
initial begin
  n = 24'h0; phy_rst_n = 1'b0; ready = 1'b0;
end
always @(posedge clock) begin
  if (reset) n <= 24'h0;
  else if (n != DONE) n <= n + 24'd1;
  phy_rst_n <= ~reset & (n >= HOLD);
  ready <= ~reset & (n == DONE);
end
",
            hold = self._hold,
            done = self._hold + self._wait
        ))
    }
}
