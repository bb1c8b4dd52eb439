//! Interrupts of one function (VIRTIO 1.2 sections 4.1.4.5, 4.1.5.3, 4.1.5.4), generated as two
//! sections of [`VirtioPciFunction`](super::VirtioPciFunction):
//!
//! - **ISR** (PCI-21..24): bit 0 is set by a queue event while MSI-X is disabled, bit 1 by every
//!   configuration event; a read of byte 0 returns both and clears them (an event in the same
//!   cycle wins). A device reset clears them.
//! - **INTx** (PCI-23): while MSI-X is disabled the virtual wire is `ISR != 0` and not
//!   Interrupt Disable; PCI Status.Interrupt Status is `ISR != 0` (Interrupt Disable does not
//!   hide it). Each change of the wire becomes one Assert or Deassert message.
//! - **The next message**: an INTx change goes first; otherwise, with MSI-X enabled, not
//!   function-masked and Bus Master Enable set, the lowest pending unmasked vector
//!   ([`msix`](super::msix)). The message is held on `msg_*` until `msg_ready`; its pending
//!   bit clears then.

use super::function::Gen;
use std::fmt::Write;

pub fn isr_verilog(_g: &Gen) -> String {
    "// ---- ISR and INTx virtual wire (PCI-21..24)
wire msix_on = msix_enable;
reg isr_queue;
reg isr_config;
initial isr_queue = 1'b0;
initial isr_config = 1'b0;
wire isr_read = rd & in_isr & a_be[0];
always @(posedge clock) begin
  if (reset | vreset) begin
    isr_queue <= 1'b0;
    isr_config <= 1'b0;
  end else begin
    isr_queue <= (queue_event & ~msix_on) | (isr_queue & ~isr_read);
    isr_config <= config_event | (isr_config & ~isr_read);
  end
end
wire [31:0] isr_rdata = {30'h0, isr_config, isr_queue};
wire intx_level = ~msix_on & (isr_queue | isr_config) & ~intx_disable;
always @(*) interrupt_status = ~msix_on & (isr_queue | isr_config);
"
    .to_string()
}

pub fn message_verilog(g: &Gen) -> String {
    let mut v = String::new();
    writeln!(
        v,
        "// ---- the next interrupt message
reg busy;
reg intx_sent;
initial busy = 1'b0;
initial intx_sent = 1'b0;
initial msg_intx = 1'b0;
initial msg_assert = 1'b0;
initial msg_address = 64'h0;
initial msg_data = 32'h0;
always @(*) msg_valid = busy;"
    )
    .unwrap();
    if g.v > 0 {
        writeln!(
            v,
            "reg [4:0] msg_vec;
initial msg_vec = 5'd0;
wire msi_go = msix_on & ~msix_function_mask & bus_master & cand_still;
wire msi_taken = busy & msg_ready & ~msg_intx;",
        )
        .unwrap();
        for k in 0..g.v {
            writeln!(
                v,
                "assign pending_clear[{k}] = msi_taken & (msg_vec == 5'd{k});"
            )
            .unwrap();
        }
    } else {
        writeln!(
            v,
            "// no MSI-X capability in this build: INTx only
wire msi_go = msix_on & ~msix_function_mask & bus_master & 1'b0;
wire [63:0] cand_address_r = 64'h0;
wire [31:0] cand_data_r = 32'h0;"
        )
        .unwrap();
    }
    writeln!(
        v,
        "always @(posedge clock) begin
  if (reset) begin
    busy <= 1'b0;
    intx_sent <= 1'b0;
  end else if (busy) begin
    if (msg_ready) begin
      busy <= 1'b0;
      if (msg_intx) intx_sent <= msg_assert;
    end
  end else if (intx_level != intx_sent) begin
    busy <= 1'b1;
    msg_intx <= 1'b1;
    msg_assert <= intx_level;
  end else if (msi_go) begin
    busy <= 1'b1;
    msg_intx <= 1'b0;
    msg_address <= cand_address_r;
    msg_data <= cand_data_r;{vec}
  end
end",
        vec = if g.v > 0 {
            "\n    msg_vec <= cand_r;"
        } else {
            ""
        }
    )
    .unwrap();
    v
}
