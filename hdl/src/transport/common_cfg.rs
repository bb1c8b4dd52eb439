//! The common configuration structure (VIRTIO 1.2 section 4.1.4.3), generated for one function
//! as a section of [`VirtioPciFunction`](super::VirtioPciFunction).
//!
//! | DW | bytes | field | behaviour |
//! |---|---|---|---|
//! | 0 | 0x00 | `device_feature_select` | RW |
//! | 1 | 0x04 | `device_feature` | RO: offered bits of window `select` (PCI-8); 0 beyond window 1 |
//! | 2 | 0x08 | `driver_feature_select` | RW |
//! | 3 | 0x0C | `driver_feature` | RW: keeps only offered bits (PCI-9) |
//! | 4 | 0x10 / 0x12 | `config_msix_vector` / `num_queues` | vector: a valid entry or 0xFFFF, anything else reads 0xFFFF (PCI-34); 16-bit writes only |
//! | 5 | 0x14 / 0x15 / 0x16 | `device_status` / `config_generation` / `queue_select` | status: see below |
//! | 6 | 0x18 / 0x1A | `queue_size` / `queue_msix_vector` | size: 1..max, while the queue is disabled; 0 for a queue that does not exist (PCI-15); 16-bit writes only |
//! | 7 | 0x1C / 0x1E | `queue_enable` / `queue_notify_off` | enable: writing 1 enables, 0 is ignored (PCI-12); notify_off = queue index |
//! | 8-13 | 0x20-0x37 | `queue_desc`, `queue_driver`, `queue_device` | RW while disabled; halves independent (PCI-4) |
//! | 14 | 0x38 / 0x3A | `queue_notify_data` / `queue_reset` | notify_data = queue index; reset: see below |
//!
//! Every write honours its byte enables: a field changes only through its enabled bytes. The
//! checked 16-bit fields (`queue_size`, the two vectors) take only whole-field writes, as VIRTIO
//! 1.2 4.1.3.1 requires drivers to use 16-bit accesses for them; a byte write is ignored (its
//! value could not be checked against the field's limits without the other byte).
//!
//! `device_status` (PCI-11, PCI-42, PCI-44): writing 0 starts a device reset. It stays pending
//! (the status keeps reading its old value; further writes are ignored) until the function's
//! data path reports `idle`; then every field here, the ISR and the MSI-X pending bits return
//! to their reset values and the status reads 0. Writing FEATURES_OK when the accepted
//! features lack VERSION_1 or RING_PACKED leaves FEATURES_OK clear. DEVICE_NEEDS_RESET (bit 6)
//! is set by the device only (`needs_reset`).
//!
//! `queue_reset` (PCI-13, PCI-14, PCI-50): with RING_RESET negotiated, writing 1 starts a reset
//! of the selected queue; it reads 1 until the data path is `idle`, then the queue's fields
//! return to their reset values (`queue_enable` and `queue_reset` read 0).
//!
//! `config_generation` (PCI-10): the device's `config_changed` marks the configuration dirty;
//! the next device-config read while dirty increments the generation (the digest's rule that
//! avoids the 8-bit wrap).

use super::features;
use super::function::Gen;
use std::fmt::Write;

pub fn verilog(g: &Gen) -> String {
    let mut v = String::new();
    let n = g.n;
    let lo = g.offered as u32;
    let hi = (g.offered >> 32) as u32;
    let req_lo = features::REQUIRED as u32;
    let req_hi = (features::REQUIRED >> 32) as u32;
    let m32 = |x: &str| format!("(({x} & ~be_mask) | (a_wdata & be_mask))");
    let m16hi = |x: &str| format!("(({x} & ~be_mask[31:16]) | (a_wdata[31:16] & be_mask[31:16]))");
    writeln!(
        v,
        "// ---- common configuration (VIRTIO 1.2 4.1.4.3)
reg [31:0] dfsel;
reg [31:0] drvsel;
reg [31:0] drv_lo;
reg [31:0] drv_hi;
reg [15:0] cfg_vector;
reg [7:0] dstatus;
reg needs_reset_bit;
reg [7:0] generation;
reg cfg_dirty;
reg [15:0] qsel;
reg reset_pending;
reg qreset_pending;
reg [15:0] qreset_index;
initial begin
  dfsel = 32'h0; drvsel = 32'h0; drv_lo = 32'h0; drv_hi = 32'h0; cfg_vector = 16'hffff;
  dstatus = 8'h0; needs_reset_bit = 1'b0; generation = 8'h0; cfg_dirty = 1'b0; qsel = 16'h0;
  reset_pending = 1'b0; qreset_pending = 1'b0; qreset_index = 16'h0;
end"
    )
    .unwrap();
    for i in 0..n {
        writeln!(
            v,
            "reg [15:0] q{i}_size;
reg [15:0] q{i}_vector;
reg q{i}_enable;
reg [63:0] q{i}_desc;
reg [63:0] q{i}_driver;
reg [63:0] q{i}_device;
initial begin
  q{i}_size = 16'd{max}; q{i}_vector = 16'hffff; q{i}_enable = 1'b0;
  q{i}_desc = 64'h0; q{i}_driver = 64'h0; q{i}_device = 64'h0;
end",
            max = g.queue_size_max
        )
        .unwrap();
    }
    writeln!(
        v,
        "wire vreset = reset_pending & idle;
wire qreset_do = qreset_pending & idle;
wire driver_ok = dstatus[2];
wire features_acceptable = ((drv_lo & 32'h{req_lo:08x}) == 32'h{req_lo:08x}) & ((drv_hi & 32'h{req_hi:08x}) == 32'h{req_hi:08x});
wire ring_reset_on = drv_hi[{rr}];
wire notification_data_on = drv_hi[{nd}];
wire q_exists = qsel < 16'd{n};
always @(*) begin
  resetting = reset_pending;
  queue_resetting = qreset_pending;
  queue_reset_index = qreset_index;
end
// the selected queue (queue_select), zero when it does not exist (PCI-15); registered, so a
// read sees writes two cycles old: the completer spaces requests further apart than that
reg [15:0] s_size;
reg [15:0] s_vector;
reg s_enable;
reg [63:0] s_desc;
reg [63:0] s_driver;
reg [63:0] s_device;
initial begin s_size = 16'h0; s_vector = 16'h0; s_enable = 1'b0; s_desc = 64'h0; s_driver = 64'h0; s_device = 64'h0; end
always @(posedge clock) begin
  s_size <= 16'h0; s_vector <= 16'h0; s_enable <= 1'b0; s_desc <= 64'h0; s_driver <= 64'h0; s_device <= 64'h0;
  case (qsel)",
        rr = features::RING_RESET - 32,
        nd = features::NOTIFICATION_DATA - 32,
    )
    .unwrap();
    for i in 0..n {
        writeln!(
            v,
            "    16'd{i}: begin s_size <= q{i}_size; s_vector <= q{i}_vector; s_enable <= q{i}_enable; s_desc <= q{i}_desc; s_driver <= q{i}_driver; s_device <= q{i}_device; end"
        )
        .unwrap();
    }
    writeln!(v, "    default: ;\n  endcase\nend").unwrap();
    // A used-buffer notification is registered on the way in: from the queue engine's
    // register through the index check, the vector lookup and the pending-bit decode it was
    // the card's critical path. It costs one cycle of interrupt latency.
    writeln!(
        v,
        "reg q_irq;
initial q_irq = 1'b0;
always @(posedge clock) q_irq <= ~reset & queue_irq & (queue_irq_index < 16'd{n});"
    )
    .unwrap();
    if g.v > 0 {
        // The vector of the queue that interrupts (only MSI-X needs it).
        writeln!(
            v,
            "reg [15:0] q_irq_index;
initial q_irq_index = 16'h0;
always @(posedge clock) q_irq_index <= queue_irq_index;
reg [15:0] irq_qvec;
always @(*) begin
  irq_qvec = 16'hffff;
  case (q_irq_index)"
        )
        .unwrap();
        for i in 0..n {
            writeln!(v, "    16'd{i}: irq_qvec = q{i}_vector;").unwrap();
        }
        writeln!(v, "    default: ;\n  endcase\nend").unwrap();
    }
    writeln!(
        v,
        "wire queue_event = q_irq & driver_ok & ~reset_pending;
wire config_event = config_changed | (needs_reset & driver_ok);
reg [31:0] common_rdata;
always @(*) begin
  case (off[3:0])
    4'd0: common_rdata = dfsel;
    4'd1: common_rdata = (dfsel == 32'd0) ? 32'h{lo:08x} : (dfsel == 32'd1) ? 32'h{hi:08x} : 32'h0;
    4'd2: common_rdata = drvsel;
    4'd3: common_rdata = (drvsel == 32'd0) ? drv_lo : (drvsel == 32'd1) ? drv_hi : 32'h0;
    4'd4: common_rdata = {{16'd{n}, cfg_vector}};
    4'd5: common_rdata = {{qsel, generation, dstatus | {{1'b0, needs_reset_bit, 6'h0}}}};
    4'd6: common_rdata = {{s_vector, s_size}};
    4'd7: common_rdata = {{q_exists ? qsel : 16'h0, 15'h0, s_enable}};
    4'd8: common_rdata = s_desc[31:0];
    4'd9: common_rdata = s_desc[63:32];
    4'd10: common_rdata = s_driver[31:0];
    4'd11: common_rdata = s_driver[63:32];
    4'd12: common_rdata = s_device[31:0];
    4'd13: common_rdata = s_device[63:32];
    4'd14: common_rdata = {{15'h0, qreset_pending & (qreset_index == qsel), q_exists ? qsel : 16'h0}};
    default: common_rdata = 32'h0;
  endcase
end
// a write merges its enabled bytes into each field's own value (no read mux on the write path)
wire cw = wr & in_common & ~reset_pending;
wire [3:0] cdw = off[3:0];
wire [7:0] status_w = (a_wdata[7:0] & 8'hbf) & ~((a_wdata[3] & ~features_acceptable) ? 8'h08 : 8'h00);
always @(posedge clock) begin
  if (reset) begin
    generation <= 8'h0;
    cfg_dirty <= 1'b0;
  end else if (config_changed) cfg_dirty <= 1'b1;
  else if (rd & in_device & cfg_dirty) begin
    cfg_dirty <= 1'b0;
    generation <= generation + 8'd1;
  end
end
always @(posedge clock) begin
  if (reset | vreset) begin
    dfsel <= 32'h0; drvsel <= 32'h0; drv_lo <= 32'h0; drv_hi <= 32'h0; cfg_vector <= 16'hffff;
    dstatus <= 8'h0; needs_reset_bit <= 1'b0; qsel <= 16'h0;
    reset_pending <= 1'b0; qreset_pending <= 1'b0; qreset_index <= 16'h0;
  end else begin
    if (cw & (cdw == 4'd0)) dfsel <= {m32_dfsel};
    if (cw & (cdw == 4'd2)) drvsel <= {m32_drvsel};
    if (cw & (cdw == 4'd3) & (drvsel == 32'd0)) drv_lo <= {m32_lo} & 32'h{lo:08x};
    if (cw & (cdw == 4'd3) & (drvsel == 32'd1)) drv_hi <= {m32_hi} & 32'h{hi:08x};
    if (cw & (cdw == 4'd4) & (a_be[1:0] == 2'b11)) cfg_vector <= a_vec_lo_ok ? a_wdata[15:0] : 16'hffff;
    if (cw & (cdw == 4'd5) & (a_be[3:2] != 2'b00)) qsel <= {m16hi_qsel};
    if (cw & (cdw == 4'd5) & a_be[0]) begin
      if (a_wdata[7:0] == 8'h00) reset_pending <= 1'b1;
      else dstatus <= status_w;
    end
    if (needs_reset) needs_reset_bit <= 1'b1;
    if (cw & (cdw == 4'd14) & a_be[2] & a_wdata[16] & ring_reset_on & q_exists & ~qreset_pending) begin
      qreset_pending <= 1'b1;
      qreset_index <= qsel;
    end else if (qreset_do) qreset_pending <= 1'b0;
  end
end",
        m32_dfsel = m32("dfsel"),
        m32_drvsel = m32("drvsel"),
        m32_lo = m32("drv_lo"),
        m32_hi = m32("drv_hi"),
        m16hi_qsel = m16hi("qsel"),
    )
    .unwrap();
    for i in 0..n {
        writeln!(
            v,
            "always @(posedge clock) begin
  if (reset | vreset | (qreset_do & (qreset_index == 16'd{i}))) begin
    q{i}_size <= 16'd{max}; q{i}_vector <= 16'hffff; q{i}_enable <= 1'b0;
    q{i}_desc <= 64'h0; q{i}_driver <= 64'h0; q{i}_device <= 64'h0;
  end else if (cw & (qsel == 16'd{i})) begin
    if ((cdw == 4'd6) & (a_be[3:2] == 2'b11)) q{i}_vector <= a_vec_hi_ok ? a_wdata[31:16] : 16'hffff;
    if ((cdw == 4'd6) & a_size_ok & ~q{i}_enable) q{i}_size <= a_wdata[15:0];
    if ((cdw == 4'd7) & a_be[0] & a_wdata[0]) q{i}_enable <= 1'b1;
    if ((cdw == 4'd8) & ~q{i}_enable) q{i}_desc[31:0] <= {d0};
    if ((cdw == 4'd9) & ~q{i}_enable) q{i}_desc[63:32] <= {d1};
    if ((cdw == 4'd10) & ~q{i}_enable) q{i}_driver[31:0] <= {r0};
    if ((cdw == 4'd11) & ~q{i}_enable) q{i}_driver[63:32] <= {r1};
    if ((cdw == 4'd12) & ~q{i}_enable) q{i}_device[31:0] <= {e0};
    if ((cdw == 4'd13) & ~q{i}_enable) q{i}_device[63:32] <= {e1};
  end
end",
            max = g.queue_size_max,
            d0 = m32(&format!("q{i}_desc[31:0]")),
            d1 = m32(&format!("q{i}_desc[63:32]")),
            r0 = m32(&format!("q{i}_driver[31:0]")),
            r1 = m32(&format!("q{i}_driver[63:32]")),
            e0 = m32(&format!("q{i}_device[31:0]")),
            e1 = m32(&format!("q{i}_device[63:32]")),
        )
        .unwrap();
    }
    v
}

/// The queue engine's view of the queues: two registered read ports (`qa_*` for the fetch
/// side, `qb_*` for the used side: one cycle from index to value), every queue's enable bit,
/// and the negotiated state it needs.
pub fn engine_port_verilog(g: &Gen) -> String {
    let n = g.n;
    let mut v = String::from(
        "// ---- the queue engine's read ports
always @(posedge clock) begin
  case (qa_index)
",
    );
    for i in 0..n {
        writeln!(
            v,
            "    16'd{i}: begin qa_size <= q{i}_size; qa_desc <= q{i}_desc; end"
        )
        .unwrap();
    }
    v += "    default: begin qa_size <= 16'h0; qa_desc <= 64'h0; end
  endcase
  case (qb_index)
";
    for i in 0..n {
        writeln!(
            v,
            "    16'd{i}: begin qb_size <= q{i}_size; qb_desc <= q{i}_desc; qb_driver <= q{i}_driver; end"
        )
        .unwrap();
    }
    let enables: Vec<String> = (0..n).rev().map(|i| format!("q{i}_enable")).collect();
    write!(
        v,
        "    default: begin qb_size <= 16'h0; qb_desc <= 64'h0; qb_driver <= 64'h0; end
  endcase
end
always @(*) begin
  q_enables = {{{pad}{en}}};
  running = driver_ok;
  indirect_on = drv_lo[{ind}];
  event_idx_on = drv_lo[{eidx}];
  in_order_on = drv_hi[{ino}];
  device_features_on = {{drv_hi[31:24], drv_lo[23:0]}};
end
",
        pad = if n < 16 {
            format!("{}'h0, ", 16 - n)
        } else {
            String::new()
        },
        en = enables.join(", "),
        ind = features::INDIRECT_DESC,
        eidx = features::EVENT_IDX,
        ino = features::IN_ORDER - 32,
    )
    .unwrap();
    v
}
