//! [`VirtioPciFunction`]: BAR0 of one virtio-pci function (shared/virtio/pci-transport.md).
//! It decodes the register bus from the transaction layer into the structures of
//! [`layout`](super::layout), owns the common configuration, ISR, notify decode and MSI-X
//! table, forwards device-configuration accesses to the device, and hands interrupt messages
//! to the transaction layer.
//!
//! The RTL is generated from the [`FunctionConfig`] (queue count, vectors, offered features),
//! one section per concern: [`common_cfg`](super::common_cfg), [`msix`](super::msix),
//! [`interrupts`](super::interrupts). It is simulated through Verilator only (rule 1): its
//! rust-hdl `update()` stops with a message.
//!
//! Interface (one clock; `reset` is the PCI function reset; a virtio device reset is internal):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `reg_valid`, `reg_write`, `reg_dw`, `reg_be`, `reg_wdata` | in | one BAR0 access (one-cycle strobe; DW index, byte enables, register-view data) |
//! | `reg_done`, `reg_rdata` | out | one-cycle answer: two cycles after a write, three after a read, or when the device answers a device-config access |
//! | `bus_master`, `intx_disable` | in | Command bits 2 and 10 |
//! | `msix_enable`, `msix_function_mask` | in | MSI-X Message Control bits 15 and 14 |
//! | `devcfg_valid`, `devcfg_write`, `devcfg_dw`, `devcfg_be`, `devcfg_wdata` | out | a device-config access (strobe) for the device, DW index in its structure |
//! | `devcfg_done`, `devcfg_rdata` | in | the device's one-cycle answer, one or more cycles after the strobe |
//! | `config_changed` | in | pulse: the device changed its configuration (generation, ISR bit 1, config vector) |
//! | `needs_reset` | in | pulse: unrecoverable device error: DEVICE_NEEDS_RESET, then a config interrupt if DRIVER_OK (PCI-40) |
//! | `queue_irq`, `queue_irq_index` | in | pulse: a used-buffer notification for a queue (ignored before DRIVER_OK, PCI-39); registered on the way in, so it is raised a cycle later |
//! | `idle` | in | nothing of this function is in flight: a pending device or queue reset completes |
//! | `resetting` | out | the driver wrote 0 to `device_status`; the data path must drain and raise `idle` |
//! | `queue_resetting`, `queue_reset_index` | out | the driver wrote 1 to `queue_reset` of that queue |
//! | `notify_valid`, `notify_queue`, `notify_next` | out | pulse: a driver notification; its queue and, with NOTIFICATION_DATA negotiated, `{next_wrap, next_off}` |
//! | `interrupt_status` | out | PCI Status bit 3 (INTx pending) |
//! | `qa_index` -> `qa_size`, `qa_desc` | in/out | the queue engine's fetch-side read port (registered: value one cycle after the index) |
//! | `qb_index` -> `qb_size`, `qb_desc`, `qb_driver` | in/out | its used-side read port |
//! | `q_enables` | out | `queue_enable` of every queue (bit q) |
//! | `running`, `indirect_on`, `event_idx_on`, `in_order_on` | out | DRIVER_OK (it stays set while a reset is pending: `resetting` says that); INDIRECT_DESC, EVENT_IDX and IN_ORDER negotiated |
//! | `device_features_on` | out | the negotiated device-type feature bits 0-23 in `[23:0]` and 56-63 in `[31:24]` (`driver_feature` bits the device offered and the driver accepted), for the device |
//! | `msg_valid`, `msg_ready`, `msg_intx`, `msg_assert`, `msg_address`, `msg_data` | out/in/out | the next interrupt message: INTx assert/deassert, or an MSI-X write of `msg_data` to `msg_address`; held until `msg_ready` |
//!
//! Latency: `reg_done` two cycles after `reg_valid` for writes and three for reads, for every
//! structure but the device's (the access is registered on entry, reads take two more stages);
//! device-config accesses reach the device one cycle after `reg_valid`.

use super::layout;
use super::FunctionConfig;
use rust_hdl::prelude::*;

/// What the generators of each section need to know.
pub struct Gen {
    /// Queues.
    pub n: usize,
    /// MSI-X vectors (0: no MSI-X capability).
    pub v: usize,
    pub queue_size_max: u16,
    pub offered: u64,
    /// DWs of the device-config structure.
    pub devcfg_dws: u32,
}

#[derive(LogicBlock)]
pub struct VirtioPciFunction {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub reg_valid: Signal<In, bool>,
    pub reg_write: Signal<In, bool>,
    pub reg_dw: Signal<In, Bits<13>>,
    pub reg_be: Signal<In, Bits<4>>,
    pub reg_wdata: Signal<In, Bits<32>>,
    pub reg_done: Signal<Out, bool>,
    pub reg_rdata: Signal<Out, Bits<32>>,
    pub bus_master: Signal<In, bool>,
    pub intx_disable: Signal<In, bool>,
    pub msix_enable: Signal<In, bool>,
    pub msix_function_mask: Signal<In, bool>,
    pub devcfg_valid: Signal<Out, bool>,
    pub devcfg_write: Signal<Out, bool>,
    pub devcfg_dw: Signal<Out, Bits<10>>,
    pub devcfg_be: Signal<Out, Bits<4>>,
    pub devcfg_wdata: Signal<Out, Bits<32>>,
    pub devcfg_done: Signal<In, bool>,
    pub devcfg_rdata: Signal<In, Bits<32>>,
    pub config_changed: Signal<In, bool>,
    pub needs_reset: Signal<In, bool>,
    pub queue_irq: Signal<In, bool>,
    pub queue_irq_index: Signal<In, Bits<16>>,
    pub idle: Signal<In, bool>,
    pub resetting: Signal<Out, bool>,
    pub queue_resetting: Signal<Out, bool>,
    pub queue_reset_index: Signal<Out, Bits<16>>,
    pub notify_valid: Signal<Out, bool>,
    pub notify_queue: Signal<Out, Bits<16>>,
    pub notify_next: Signal<Out, Bits<16>>,
    pub interrupt_status: Signal<Out, bool>,
    pub msg_valid: Signal<Out, bool>,
    pub msg_ready: Signal<In, bool>,
    pub msg_intx: Signal<Out, bool>,
    pub msg_assert: Signal<Out, bool>,
    pub msg_address: Signal<Out, Bits<64>>,
    pub msg_data: Signal<Out, Bits<32>>,
    pub qa_index: Signal<In, Bits<16>>,
    pub qa_size: Signal<Out, Bits<16>>,
    pub qa_desc: Signal<Out, Bits<64>>,
    pub qb_index: Signal<In, Bits<16>>,
    pub qb_size: Signal<Out, Bits<16>>,
    pub qb_desc: Signal<Out, Bits<64>>,
    pub qb_driver: Signal<Out, Bits<64>>,
    pub q_enables: Signal<Out, Bits<16>>,
    pub running: Signal<Out, bool>,
    pub indirect_on: Signal<Out, bool>,
    pub event_idx_on: Signal<Out, bool>,
    pub in_order_on: Signal<Out, bool>,
    pub device_features_on: Signal<Out, Bits<32>>,
    _config: FunctionConfig,
    _msix: bool,
}

impl VirtioPciFunction {
    pub fn new(config: &FunctionConfig, msix: bool) -> Self {
        assert!(
            config.msix_vectors() < 32,
            "the PBA generator covers one DW"
        );
        assert!(config.device_cfg_len <= 0x1000 && config.device_cfg_len.is_multiple_of(4));
        assert!(config.num_queues as u32 * layout::NOTIFY_OFF_MULTIPLIER <= 0x1000);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            reg_valid: Default::default(),
            reg_write: Default::default(),
            reg_dw: Default::default(),
            reg_be: Default::default(),
            reg_wdata: Default::default(),
            reg_done: Default::default(),
            reg_rdata: Default::default(),
            bus_master: Default::default(),
            intx_disable: Default::default(),
            msix_enable: Default::default(),
            msix_function_mask: Default::default(),
            devcfg_valid: Default::default(),
            devcfg_write: Default::default(),
            devcfg_dw: Default::default(),
            devcfg_be: Default::default(),
            devcfg_wdata: Default::default(),
            devcfg_done: Default::default(),
            devcfg_rdata: Default::default(),
            config_changed: Default::default(),
            needs_reset: Default::default(),
            queue_irq: Default::default(),
            queue_irq_index: Default::default(),
            idle: Default::default(),
            resetting: Default::default(),
            queue_resetting: Default::default(),
            queue_reset_index: Default::default(),
            notify_valid: Default::default(),
            notify_queue: Default::default(),
            notify_next: Default::default(),
            interrupt_status: Default::default(),
            msg_valid: Default::default(),
            msg_ready: Default::default(),
            msg_intx: Default::default(),
            msg_assert: Default::default(),
            msg_address: Default::default(),
            msg_data: Default::default(),
            qa_index: Default::default(),
            qa_size: Default::default(),
            qa_desc: Default::default(),
            qb_index: Default::default(),
            qb_size: Default::default(),
            qb_desc: Default::default(),
            qb_driver: Default::default(),
            q_enables: Default::default(),
            running: Default::default(),
            indirect_on: Default::default(),
            event_idx_on: Default::default(),
            in_order_on: Default::default(),
            device_features_on: Default::default(),
            _config: config.clone(),
            _msix: msix,
        }
    }

    fn gen(&self) -> Gen {
        Gen {
            n: self._config.num_queues as usize,
            v: if self._msix {
                self._config.msix_vectors() as usize
            } else {
                0
            },
            queue_size_max: self._config.queue_size_max,
            offered: self._config.offered_features(),
            devcfg_dws: self._config.device_cfg_len / 4,
        }
    }
}

/// BAR0 decode: which structure an access targets. Comes first: every section uses it.
fn decode_verilog(g: &Gen) -> String {
    let page = |addr: u32| addr >> 12;
    let in_device = if g.devcfg_dws >= 1024 {
        format!("(page == 3'd{})", page(layout::DEVICE_CFG))
    } else {
        format!(
            "(page == 3'd{}) & (off < 10'd{})",
            page(layout::DEVICE_CFG),
            g.devcfg_dws
        )
    };
    // One write strobe per MSI-X table DW, decoded on the way in: decoding the registered
    // address at each entry gave one address register a fanout across the whole table, and
    // that routing was the card's critical path.
    let (table_strobes, table_strobes_set) = if g.v > 0 {
        (
            format!(
                "reg [{top}:0] a_tw;\ninitial a_tw = {w}'d0;\n",
                top = 4 * g.v - 1,
                w = 4 * g.v
            ),
            (0..4 * g.v)
                .map(|j| {
                    format!(
                        "\n  a_tw[{j}] <= ~reset & reg_valid & reg_write & (reg_dw == 13'd{dw});",
                        dw = (page(layout::MSIX_TABLE) << 10) + j as u32
                    )
                })
                .collect::<String>(),
        )
    } else {
        (String::new(), String::new())
    };
    let (in_table, in_pba) = if g.v > 0 {
        (
            format!(
                "(page == 3'd{}) & (off < 10'd{})",
                page(layout::MSIX_TABLE),
                4 * g.v
            ),
            format!("(page == 3'd{}) & (off == 10'd0)", page(layout::MSIX_PBA)),
        )
    } else {
        ("1'b0".into(), "1'b0".into())
    };
    format!(
        "// ---- the access, registered first (keeps the completer's address logic out of the
// register file's paths), then decoded against transport/layout.rs
reg a_valid;
reg a_write;
reg [12:0] a_dw;
reg [3:0] a_be;
reg [31:0] a_wdata;
// value checks of 16-bit fields, done on the way in so the register file's write paths are short
reg a_size_ok;
reg a_vec_lo_ok;
reg a_vec_hi_ok;
// the common-configuration, ISR and notify decodes too: their compares sat in front of every
// queue register's write enable on the card's critical path
reg a_in_common, a_in_isr, a_in_notify;
initial begin a_in_common = 1'b0; a_in_isr = 1'b0; a_in_notify = 1'b0; end
initial begin a_valid = 1'b0; a_write = 1'b0; a_dw = 13'h0; a_be = 4'h0; a_wdata = 32'h0; end
initial begin a_size_ok = 1'b0; a_vec_lo_ok = 1'b0; a_vec_hi_ok = 1'b0; end
{table_strobes}always @(posedge clock) begin
  if (reset) a_valid <= 1'b0;
  else a_valid <= reg_valid;{table_strobes_set}
  a_write <= reg_write;
  a_dw <= reg_dw;
  a_be <= reg_be;
  a_wdata <= reg_wdata;
  a_size_ok <= (reg_be[1:0] == 2'b11) & (reg_wdata[15:0] != 16'h0) & (reg_wdata[15:0] <= 16'd{qmax});
  a_vec_lo_ok <= (reg_be[1:0] == 2'b11) & {vec_lo};
  a_vec_hi_ok <= (reg_be[3:2] == 2'b11) & {vec_hi};
  a_in_common <= (reg_dw[12:10] == 3'd{common}) & (reg_dw[9:0] < 10'd{common_dws});
  a_in_isr <= (reg_dw[12:10] == 3'd{isr}) & (reg_dw[9:0] == 10'd0);
  a_in_notify <= (reg_dw[12:10] == 3'd{notify}) & (reg_dw[9:0] < 10'd{n});
end
wire [2:0] page = a_dw[12:10];
wire [9:0] off = a_dw[9:0];
wire [31:0] be_mask = {{{{8{{a_be[3]}}}}, {{8{{a_be[2]}}}}, {{8{{a_be[1]}}}}, {{8{{a_be[0]}}}}}};
wire wr = a_valid & a_write;
wire rd = a_valid & ~a_write;
wire in_common = a_in_common;
wire in_isr = a_in_isr;
wire in_device = {in_device};
wire in_notify = a_in_notify;
wire in_table = {in_table};
wire in_pba = {in_pba};
",
        common = page(layout::COMMON_CFG),
        common_dws = layout::COMMON_CFG_LEN / 4,
        isr = page(layout::ISR),
        notify = page(layout::NOTIFY),
        n = g.n,
        qmax = g.queue_size_max,
        vec_lo = vec_ok("reg_wdata[15:0]", g.v),
        vec_hi = vec_ok("reg_wdata[31:16]", g.v),
        table_strobes = table_strobes,
        table_strobes_set = table_strobes_set,
    )
}

/// A 16-bit value names a valid MSI-X entry or NO_VECTOR (PCI-34).
fn vec_ok(x: &str, vectors: usize) -> String {
    if vectors > 0 {
        format!("(({x} < 16'd{vectors}) | ({x} == 16'hffff))")
    } else {
        // Without MSI-X no vector can be mapped.
        "1'b0".to_string()
    }
}

/// The local read mux, the device-config forward and the notify decode. Comes last: it reads
/// every section.
fn answer_verilog(g: &Gen) -> String {
    format!(
        "// ---- answers: local structures after one cycle, device config when the device answers
// reads take two stages (each structure's value, then the choice): the read muxes are wide
// and the design is large enough that routing dominates; writes answer after the first
reg r_read;
reg [3:0] r_sel;
reg [31:0] r_common;
reg [31:0] r_table;
reg [31:0] r_isr;
reg [31:0] r_pba;
reg local_done;
reg [31:0] local_rdata;
initial begin
  r_read = 1'b0; r_sel = 4'h0; r_common = 32'h0; r_table = 32'h0; r_isr = 32'h0; r_pba = 32'h0;
  local_done = 1'b0; local_rdata = 32'h0;
end
always @(posedge clock) begin
  if (reset) begin
    r_read <= 1'b0;
    local_done <= 1'b0;
  end else begin
    r_read <= rd & ~in_device;
    local_done <= (wr & ~in_device) | r_read;
  end
  r_sel <= {{in_pba, in_table, in_isr, in_common}};
  r_common <= common_rdata;
  r_table <= table_rdata;
  r_isr <= isr_rdata;
  r_pba <= pba_rdata;
  if (r_read)
    local_rdata <= r_sel[0] ? r_common : r_sel[1] ? r_isr : r_sel[2] ? r_table : r_sel[3] ? r_pba : 32'h0;
end
always @(*) begin
  reg_done = local_done | devcfg_done;
  reg_rdata = devcfg_done ? devcfg_rdata : local_rdata;
  devcfg_valid = a_valid & in_device;
  devcfg_write = a_write;
  devcfg_dw = off;
  devcfg_be = a_be;
  devcfg_wdata = a_wdata;
end
// ---- notify region (PCI-17, PCI-19): the written value names the queue
wire [31:0] notify_value = a_wdata & be_mask;
initial notify_valid = 1'b0;
initial notify_queue = 16'h0;
initial notify_next = 16'h0;
always @(posedge clock) begin
  if (reset) notify_valid <= 1'b0;
  else notify_valid <= wr & in_notify & ~reset_pending & (notify_value[15:0] < 16'd{n});
  notify_queue <= notify_value[15:0];
  notify_next <= notification_data_on ? notify_value[31:16] : 16'h0;
end
",
        n = g.n,
    )
}

impl Logic for VirtioPciFunction {
    fn update(&mut self) {
        panic!("VirtioPciFunction is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.reg_done.connect();
        self.reg_rdata.connect();
        self.devcfg_valid.connect();
        self.devcfg_write.connect();
        self.devcfg_dw.connect();
        self.devcfg_be.connect();
        self.devcfg_wdata.connect();
        self.resetting.connect();
        self.queue_resetting.connect();
        self.queue_reset_index.connect();
        self.notify_valid.connect();
        self.notify_queue.connect();
        self.notify_next.connect();
        self.interrupt_status.connect();
        self.msg_valid.connect();
        self.msg_intx.connect();
        self.msg_assert.connect();
        self.msg_address.connect();
        self.msg_data.connect();
        self.qa_size.connect();
        self.qa_desc.connect();
        self.qb_size.connect();
        self.qb_desc.connect();
        self.qb_driver.connect();
        self.q_enables.connect();
        self.running.connect();
        self.indirect_on.connect();
        self.event_idx_on.connect();
        self.in_order_on.connect();
        self.device_features_on.connect();
    }

    fn hdl(&self) -> Verilog {
        let g = self.gen();
        let mut v = format!(
            "// Generated by hdl/src/transport for function `{}` ({} queues, {} MSI-X vectors).\n",
            self._config.name, g.n, g.v
        );
        v += &decode_verilog(&g);
        v += &super::common_cfg::verilog(&g);
        v += &super::interrupts::isr_verilog(&g);
        v += &super::msix::verilog(&g);
        v += &super::interrupts::message_verilog(&g);
        v += &super::common_cfg::engine_port_verilog(&g);
        v += &answer_verilog(&g);
        Verilog::Custom(v)
    }
}
