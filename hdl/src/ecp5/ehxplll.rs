//! [`Ehxplll`]: the ECP5 PLL making the 125 MHz core clock from the board's 100 MHz oscillator.
//!
//! Interface: `clkin` (100 MHz), `clkout` (125 MHz), `lock` (high once the PLL has locked;
//! logic in the `clkout` domain must be held in reset until then). The divider settings are
//! the ones `ecppll -i 100 -o 125` computes: CLKI_DIV 4 (25 MHz at the phase detector),
//! CLKFB_DIV 5 and CLKOP_DIV 5 (VCO 625 MHz, inside the 400-800 MHz range), feedback from
//! CLKOP.
//!
//! Simulation (rust-hdl's and the Verilator model): a cycle-based simulation has one notion of
//! a clock edge, so the models pass `clkin` through unchanged and raise `lock` after
//! [`LOCK_CYCLES`] input cycles. Frequencies are checked by nextpnr's timing analysis instead.

use rust_hdl::prelude::*;

/// Input clock cycles the simulation models take to lock.
pub const LOCK_CYCLES: u32 = 32;

#[derive(LogicBlock, Default)]
pub struct Ehxplll {
    pub clkin: Signal<In, Clock>,
    pub clkout: Signal<Out, Clock>,
    pub lock: Signal<Out, bool>,
    _cycles: u32,
}

impl Logic for Ehxplll {
    fn update(&mut self) {
        self.clkout.next = self.clkin.val();
        if self.clkin.pos_edge() && self._cycles < LOCK_CYCLES {
            self._cycles += 1;
        }
        self.lock.next = self._cycles >= LOCK_CYCLES;
    }

    fn connect(&mut self) {
        self.clkout.connect();
        self.lock.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Wrapper(Wrapper {
            code: r#"
(* FREQUENCY_PIN_CLKI="100" *)
(* FREQUENCY_PIN_CLKOP="125" *)
(* ICP_CURRENT="12" *) (* LPF_RESISTOR="8" *) (* MFG_ENABLE_FILTEROPAMP="1" *) (* MFG_GMCREF_SEL="2" *)
EHXPLLL #(
    .PLLRST_ENA("DISABLED"),
    .INTFB_WAKE("DISABLED"),
    .STDBY_ENABLE("DISABLED"),
    .DPHASE_SOURCE("DISABLED"),
    .CLKI_DIV(4),
    .CLKOP_ENABLE("ENABLED"),
    .CLKOP_DIV(5),
    .CLKOP_CPHASE(2),
    .CLKOP_FPHASE(0),
    .FEEDBK_PATH("CLKOP"),
    .CLKFB_DIV(5)
) pll_i (
    .RST(1'b0),
    .STDBY(1'b0),
    .CLKI(clkin),
    .CLKOP(clkout),
    .CLKFB(clkout),
    .PHASESEL0(1'b0),
    .PHASESEL1(1'b0),
    .PHASEDIR(1'b1),
    .PHASESTEP(1'b1),
    .PHASELOADREG(1'b1),
    .PLLWAKESYNC(1'b0),
    .ENCLKOP(1'b0),
    .LOCK(lock)
);
"#
            .into(),
            cores: String::new(),
        })
    }
}

/// Verilator model of EHXPLLL: pins and parameters of the instance above only.
pub fn sim_model() -> String {
    format!(
        r#"
module EHXPLLL(CLKI, CLKFB, RST, STDBY, PHASESEL0, PHASESEL1, PHASEDIR, PHASESTEP, PHASELOADREG,
               PLLWAKESYNC, ENCLKOP, CLKOP, LOCK);
parameter PLLRST_ENA = "DISABLED";
parameter INTFB_WAKE = "DISABLED";
parameter STDBY_ENABLE = "DISABLED";
parameter DPHASE_SOURCE = "DISABLED";
parameter CLKI_DIV = 1;
parameter CLKOP_ENABLE = "ENABLED";
parameter CLKOP_DIV = 8;
parameter CLKOP_CPHASE = 0;
parameter CLKOP_FPHASE = 0;
parameter FEEDBK_PATH = "CLKOP";
parameter CLKFB_DIV = 1;
input CLKI, CLKFB, RST, STDBY, PHASESEL0, PHASESEL1, PHASEDIR, PHASESTEP, PHASELOADREG;
input PLLWAKESYNC, ENCLKOP;
output CLKOP;
output reg LOCK;
reg [7:0] cycles;
assign CLKOP = CLKI;
initial begin
  LOCK = 1'b0;
  cycles = 8'd0;
  if (PLLRST_ENA != "DISABLED" || INTFB_WAKE != "DISABLED" || STDBY_ENABLE != "DISABLED"
      || DPHASE_SOURCE != "DISABLED" || CLKOP_ENABLE != "ENABLED" || FEEDBK_PATH != "CLKOP"
      || CLKI_DIV < 1 || CLKI_DIV > 128 || CLKOP_DIV < 1 || CLKOP_DIV > 128
      || CLKFB_DIV < 1 || CLKFB_DIV > 128 || CLKOP_CPHASE < 0 || CLKOP_FPHASE < 0) begin
    $display("EHXPLLL model: configuration outside the modelled one");
    $stop;
  end
end
always @(posedge CLKI) begin
  if (RST || STDBY || PHASESEL0 || PHASESEL1 || !PHASEDIR || !PHASESTEP || !PHASELOADREG
      || PLLWAKESYNC || ENCLKOP || (CLKFB != CLKI)) begin
    $display("EHXPLLL model: pins tied outside the modelled configuration");
    $stop;
  end
  if (cycles != 8'd{lock}) cycles <= cycles + 8'd1;
  LOCK <= (cycles >= 8'd{lock_minus_one});
end
endmodule
"#,
        lock = LOCK_CYCLES,
        lock_minus_one = LOCK_CYCLES - 1
    )
}
