//! [`NetConfigSpace`]: `struct virtio_net_config` (VIRTIO 1.2 section 5.1.4; 24 bytes) behind
//! the function's device-configuration window, and the link and announce state behind its
//! `status` field.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `devcfg_valid`, `devcfg_write`, `devcfg_dw`, `devcfg_be`, `devcfg_wdata` | in | an access from the transport (strobe); the structure is read-only, writes are ignored (section 5.1.4) |
//! | `devcfg_done`, `devcfg_rdata` | out | the answer, always the cycle after the strobe |
//! | `resetting` | in | a device reset is pending: `mac` and ANNOUNCE return to their reset values |
//! | `link_up` | in | the MAC-side link state (the PHY's on the board, the peer's in simulation) |
//! | `announce` | in | pulse: ask the driver for gratuitous packets (sets VIRTIO_NET_S_ANNOUNCE) |
//! | `announce_ack` | in | pulse from the control queue: ANNOUNCE_ACK, clears it before the ack is written (NET-37) |
//! | `mac_set`, `mac_set_value[47:0]` | in | MAC_ADDR_SET from the control queue: the new station address (NET-35) |
//! | `mac[47:0]` | out | the station address the receive filter uses (byte 0 in bits 7:0) |
//! | `config_changed` | out | pulse, registered: `status` changed (link up or down, ANNOUNCE set), for the transport's configuration interrupt (section 5.1.4.1) |
//!
//! Layout (all little-endian):
//!
//! | DW | offset | fields |
//! |---|---|---|
//! | 0 | 0x00 | `mac[0..4]` |
//! | 1 | 0x04 | `mac[4..6]`, `status` (LINK_UP bit 0, ANNOUNCE bit 1) |
//! | 2 | 0x08 | `max_virtqueue_pairs` (NET-3), `mtu` (NET-4, never changes) |
//! | 3 | 0x0C | `speed` (Mbit/s, NET-9; constant, so NET-10 holds) |
//! | 4 | 0x10 | `duplex` = 0x01 full (digest section 12), `rss_max_key_size`, `rss_max_indirection_table_length` |
//! | 5 | 0x14 | `supported_hash_types` |
//! | 6.. | | 0 |
//!
//! The RSS fields read 0 while RSS and HASH_REPORT are not offered (digest section 3: fields
//! of features not offered read 0). A MAC_ADDR_SET changes `mac` at once: with MAC negotiated
//! that is the rule (NET-35); without it the field is not meaningful to the driver.

use super::NetConfig;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct NetConfigSpace {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub resetting: Signal<In, bool>,
    pub devcfg_valid: Signal<In, bool>,
    pub devcfg_write: Signal<In, bool>,
    pub devcfg_dw: Signal<In, Bits<10>>,
    pub devcfg_be: Signal<In, Bits<4>>,
    pub devcfg_wdata: Signal<In, Bits<32>>,
    pub devcfg_done: Signal<Out, bool>,
    pub devcfg_rdata: Signal<Out, Bits<32>>,
    pub link_up: Signal<In, bool>,
    pub announce: Signal<In, bool>,
    pub announce_ack: Signal<In, bool>,
    pub mac_set: Signal<In, bool>,
    pub mac_set_value: Signal<In, Bits<48>>,
    pub mac: Signal<Out, Bits<48>>,
    pub config_changed: Signal<Out, bool>,
    _cfg: NetConfig,
}

impl NetConfigSpace {
    pub fn new(cfg: &NetConfig) -> Self {
        cfg.validate();
        NetConfigSpace {
            clock: Default::default(),
            reset: Default::default(),
            resetting: Default::default(),
            devcfg_valid: Default::default(),
            devcfg_write: Default::default(),
            devcfg_dw: Default::default(),
            devcfg_be: Default::default(),
            devcfg_wdata: Default::default(),
            devcfg_done: Default::default(),
            devcfg_rdata: Default::default(),
            link_up: Default::default(),
            announce: Default::default(),
            announce_ack: Default::default(),
            mac_set: Default::default(),
            mac_set_value: Default::default(),
            mac: Default::default(),
            config_changed: Default::default(),
            _cfg: cfg.clone(),
        }
    }
}

impl Default for NetConfigSpace {
    fn default() -> Self {
        Self::new(&NetConfig::default())
    }
}

impl Logic for NetConfigSpace {
    fn update(&mut self) {
        panic!("NetConfigSpace is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.devcfg_done.connect();
        self.devcfg_rdata.connect();
        self.mac.connect();
        self.config_changed.connect();
    }

    fn hdl(&self) -> Verilog {
        let b = self._cfg.config_bytes(false);
        let dw =
            |k: usize| u32::from_le_bytes([b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]]);
        let mut cases = String::new();
        for k in 2..6 {
            cases.push_str(&format!(
                "    10'd{k}: devcfg_rdata <= 32'h{:08x};\n",
                dw(k)
            ));
        }
        Verilog::Custom(
            VERILOG
                .replace("@MAC@", &format!("{:012x}", self._cfg.mac_u64()))
                .replace("@CASES@", &cases),
        )
    }
}

const VERILOG: &str = r#"
localparam [47:0] MAC0 = 48'h@MAC@;
reg [47:0] mac_r;
reg link_r;          // the link as `status` shows it
reg ann;             // VIRTIO_NET_S_ANNOUNCE
reg cc;
initial begin mac_r = MAC0; link_r = 1'b0; ann = 1'b0; cc = 1'b0; devcfg_done = 1'b0; devcfg_rdata = 32'h0; end
wire [15:0] status = {14'h0, ann, link_r};
// the structure is read-only: a write is answered and has no effect
wire unused_write = &{1'b0, devcfg_write, devcfg_be, devcfg_wdata};
always @(posedge clock) begin
  cc <= 1'b0;
  if (reset) begin
    mac_r <= MAC0;
    link_r <= 1'b0;
    ann <= 1'b0;
  end else begin
    if (link_up != link_r) begin link_r <= link_up; cc <= 1'b1; end
    if (resetting) begin
      mac_r <= MAC0;
      ann <= 1'b0;
    end else begin
      if (mac_set) mac_r <= mac_set_value;
      if (announce & ~ann) begin ann <= 1'b1; cc <= 1'b1; end
      else if (announce_ack) ann <= 1'b0;
    end
  end
  devcfg_done <= ~reset & devcfg_valid;
  if (devcfg_valid) case (devcfg_dw)
    10'd0: devcfg_rdata <= mac_r[31:0];
    10'd1: devcfg_rdata <= {status, mac_r[47:32]};
@CASES@    default: devcfg_rdata <= 32'h0;
  endcase
end
always @(*) begin
  mac = mac_r;
  config_changed = cc;
end
"#;
