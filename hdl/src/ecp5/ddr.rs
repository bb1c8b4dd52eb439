//! The ECP5 I/O cells of the RGMII pads: `IDDRX1F` (a DDR input register), `ODDRX1F` (a DDR
//! output register) and `DELAYG` (a fixed input or output delay, 25 ps a tap).
//!
//! | cell | pins used | behaviour (Lattice TN1265, yosys `cells_bb.v`) |
//! |---|---|---|
//! | `IDDRX1F` | `D`, `SCLK`, `RST` tied 0, `Q0`, `Q1` | `D` is sampled on both edges of `SCLK`; at a rising edge `Q0` shows the sample of the rising edge before and `Q1` the sample of the falling edge after it (a pair, presented together) |
//! | `ODDRX1F` | `SCLK`, `RST` tied 0, `D0`, `D1`, `Q` | `D0` and `D1` are sampled at a rising edge; `Q` carries `D0` while `SCLK` is high and `D1` while it is low |
//! | `DELAYG` | `A`, `Z` | `Z` is `A` delayed by `DEL_VALUE` taps (`DEL_MODE = "SCLK_ALIGNED"`); the model passes `A` through |
//!
//! The models are cycle-level: the true cells add a clock of latency inside the I/O block,
//! which shifts every nibble alike and does not change which nibbles pair up. Each model stops
//! the simulation if `RST` is not tied low or `GSR` is not `"DISABLED"` (the configuration the
//! instance helpers below write), as the other models in this folder do.

/// An `IDDRX1F` instance: `d` sampled on both edges of `clock` into `q0` (rising) and `q1`
/// (falling), all names of 1-bit wires in the enclosing module.
pub fn iddrx1f(name: &str, clock: &str, d: &str, q0: &str, q1: &str) -> String {
    format!(
        "IDDRX1F #(.GSR(\"DISABLED\")) {name} (.D({d}), .SCLK({clock}), .RST(1'b0), .Q0({q0}), .Q1({q1}));\n"
    )
}

/// An `ODDRX1F` instance: `d0` while `clock` is high, `d1` while it is low, onto `q`.
pub fn oddrx1f(name: &str, clock: &str, d0: &str, d1: &str, q: &str) -> String {
    format!(
        "ODDRX1F #(.GSR(\"DISABLED\")) {name} (.SCLK({clock}), .RST(1'b0), .D0({d0}), .D1({d1}), .Q({q}));\n"
    )
}

/// A `DELAYG` instance delaying `a` onto `z` by `taps` x 25 ps (`taps` < 128).
pub fn delayg(name: &str, a: &str, z: &str, taps: u8) -> String {
    assert!(taps < 128, "DELAYG has 128 taps");
    format!(
        "DELAYG #(.DEL_MODE(\"SCLK_ALIGNED\"), .DEL_VALUE({taps})) {name} (.A({a}), .Z({z}));\n"
    )
}

/// Verilator models of the three cells, restricted to the configurations above.
pub fn sim_models() -> String {
    r#"
module IDDRX1F(D, SCLK, RST, Q0, Q1);
parameter GSR = "ENABLED";
input D, SCLK, RST;
output reg Q0, Q1;
reg rise, fall;
initial begin
  Q0 = 1'b0; Q1 = 1'b0; rise = 1'b0; fall = 1'b0;
  if (GSR != "DISABLED") begin
    $display("IDDRX1F model: only GSR = DISABLED is modelled");
    $stop;
  end
end
always @(posedge SCLK) begin
  if (RST) begin
    $display("IDDRX1F model: RST must be tied low");
    $stop;
  end
  rise <= D;
  Q0 <= rise;
  Q1 <= fall;
end
always @(negedge SCLK) fall <= D;
endmodule

module ODDRX1F(SCLK, RST, D0, D1, Q);
parameter GSR = "ENABLED";
input SCLK, RST, D0, D1;
output Q;
reg r0, r1;
initial begin
  r0 = 1'b0; r1 = 1'b0;
  if (GSR != "DISABLED") begin
    $display("ODDRX1F model: only GSR = DISABLED is modelled");
    $stop;
  end
end
always @(posedge SCLK) begin
  if (RST) begin
    $display("ODDRX1F model: RST must be tied low");
    $stop;
  end
  r0 <= D0;
  r1 <= D1;
end
assign Q = SCLK ? r0 : r1;
endmodule

module DELAYG(A, Z);
parameter DEL_MODE = "USER_DEFINED";
parameter DEL_VALUE = 0;
input A;
output Z;
initial begin
  if (DEL_MODE != "SCLK_ALIGNED" || DEL_VALUE < 0 || DEL_VALUE > 127) begin
    $display("DELAYG model: SCLK_ALIGNED with 0..127 taps only");
    $stop;
  end
end
assign Z = A;
endmodule
"#
    .to_string()
}
