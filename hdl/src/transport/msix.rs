//! The MSI-X table and pending bit array of one function (PCIe Base Specification 6.1.4; VIRTIO
//! 1.2 section 4.1.5.1.2; PCI-31..38), generated as a section of
//! [`VirtioPciFunction`](super::VirtioPciFunction). Empty in builds without MSI-X.
//!
//! | BAR0 offset | content | access |
//! |---|---|---|
//! | 0x4000 + 16k | entry k: message address low (bits 1:0 read 0), high, data, vector control (bit 0 mask, 1 at reset) | RW per byte enable |
//! | 0x5000 | pending bits, one per vector | RO |
//!
//! A queue or configuration event whose vector is valid sets that vector's pending bit (while
//! MSI-X is enabled); a vector that is unmapped (0xFFFF) raises nothing (PCI-37, PCI-38). The
//! message of a pending vector goes out once it is unmasked (see
//! [`interrupts`](super::interrupts)); masking never loses an event. The table is reset by
//! the function reset only; a device reset clears the pending bits.

use super::function::Gen;
use std::fmt::Write;

pub fn verilog(g: &Gen) -> String {
    let mut v = String::new();
    if g.v == 0 {
        writeln!(
            v,
            "// ---- no MSI-X table in this build
wire [31:0] table_rdata = 32'h0;
wire [31:0] pba_rdata = 32'h0;"
        )
        .unwrap();
        return v;
    }
    let nv = g.v;
    writeln!(v, "// ---- MSI-X table and PBA ({nv} vectors)").unwrap();
    for k in 0..nv {
        writeln!(
            v,
            "reg [31:0] t{k}_addr_lo;
reg [31:0] t{k}_addr_hi;
reg [31:0] t{k}_data;
reg t{k}_mask;
initial begin t{k}_addr_lo = 32'h0; t{k}_addr_hi = 32'h0; t{k}_data = 32'h0; t{k}_mask = 1'b1; end"
        )
        .unwrap();
    }
    writeln!(
        v,
        "reg [31:0] table_rdata;
always @(*) begin
  case (off)"
    )
    .unwrap();
    for k in 0..nv {
        writeln!(
            v,
            "    10'd{a}: table_rdata = t{k}_addr_lo;
    10'd{b}: table_rdata = t{k}_addr_hi;
    10'd{c}: table_rdata = t{k}_data;
    10'd{d}: table_rdata = {{31'h0, t{k}_mask}};",
            a = 4 * k,
            b = 4 * k + 1,
            c = 4 * k + 2,
            d = 4 * k + 3
        )
        .unwrap();
    }
    writeln!(
        v,
        "    default: table_rdata = 32'h0;
  endcase
end
// each entry merges the written bytes into its own value (no read mux on the write path);
// `a_tw` holds one write strobe per table DW, decoded on the way in (function.rs)
always @(posedge clock) begin
  if (reset) begin"
    )
    .unwrap();
    for k in 0..nv {
        writeln!(
            v,
            "    t{k}_addr_lo <= 32'h0; t{k}_addr_hi <= 32'h0; t{k}_data <= 32'h0; t{k}_mask <= 1'b1;"
        )
        .unwrap();
    }
    writeln!(v, "  end else begin").unwrap();
    for k in 0..nv {
        writeln!(
            v,
            "    if (a_tw[{a}]) t{k}_addr_lo <= ((t{k}_addr_lo & ~be_mask) | (a_wdata & be_mask)) & 32'hfffffffc;
    if (a_tw[{b}]) t{k}_addr_hi <= (t{k}_addr_hi & ~be_mask) | (a_wdata & be_mask);
    if (a_tw[{c}]) t{k}_data <= (t{k}_data & ~be_mask) | (a_wdata & be_mask);
    if (a_tw[{d}] & a_be[0]) t{k}_mask <= a_wdata[0];",
            a = 4 * k,
            b = 4 * k + 1,
            c = 4 * k + 2,
            d = 4 * k + 3
        )
        .unwrap();
    }
    let masks: Vec<String> = (0..nv).rev().map(|k| format!("t{k}_mask")).collect();
    writeln!(
        v,
        "  end
end
reg [{top}:0] pending;
initial pending = {nv}'d0;
wire [{top}:0] pending_set;
wire [{top}:0] pending_clear;
wire [{top}:0] masks = {{{masks}}};
wire [{top}:0] ready_vecs = pending & ~masks;
wire [31:0] pba_rdata = {{{pad}'h0, pending}};
always @(posedge clock) begin
  if (reset | vreset) pending <= {nv}'d0;
  else pending <= (pending & ~pending_clear) | pending_set;
end",
        top = nv - 1,
        masks = masks.join(", "),
        pad = 32 - nv,
    )
    .unwrap();
    for k in 0..nv {
        writeln!(
            v,
            "assign pending_set[{k}] = msix_on & ((queue_event & (irq_qvec == 16'd{k})) | (config_event & (cfg_vector == 16'd{k})));"
        )
        .unwrap();
    }
    // The lowest ready vector, in two registered steps (timing: from the pending bits through
    // a priority chain and a 96-bit table mux in one cycle was the card's critical path):
    // `cand_a` is the choice, `cand_r` the choice a cycle later with its table entry. When it
    // is used the chosen vector must still be pending and unmasked (`cand_still`), so a mask
    // set meanwhile always wins. With nothing pending `cand_r` is 0 and `cand_still` reads
    // vector 0's live bit, so no separate valid bit is needed.
    writeln!(
        v,
        "reg [4:0] cand;
always @(*) begin
  cand = 5'd0;"
    )
    .unwrap();
    for k in (0..nv).rev() {
        writeln!(v, "  if (ready_vecs[{k}]) cand = 5'd{k};").unwrap();
    }
    writeln!(
        v,
        "end
reg [4:0] cand_a;
reg [4:0] cand_r;
reg [63:0] cand_address_r;
reg [31:0] cand_data_r;
initial begin
  cand_a = 5'd0;
  cand_r = 5'd0; cand_address_r = 64'h0; cand_data_r = 32'h0;
end
always @(posedge clock) begin
  cand_a <= cand;
  cand_r <= cand_a;
  case (cand_a)"
    )
    .unwrap();
    for k in 0..nv {
        writeln!(
            v,
            "    5'd{k}: begin cand_address_r <= {{t{k}_addr_hi, t{k}_addr_lo}}; cand_data_r <= t{k}_data; end"
        )
        .unwrap();
    }
    writeln!(
        v,
        "    default: begin cand_address_r <= 64'h0; cand_data_r <= 32'h0; end
  endcase
end
reg cand_still;
always @(*) begin
  cand_still = 1'b0;
  case (cand_r)"
    )
    .unwrap();
    for k in 0..nv {
        writeln!(v, "    5'd{k}: cand_still = ready_vecs[{k}];").unwrap();
    }
    writeln!(v, "    default: ;\n  endcase\nend").unwrap();
    v
}
