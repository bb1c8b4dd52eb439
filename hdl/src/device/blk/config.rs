//! [`BlkConfigSpace`]: the `virtio_blk_config` structure (VIRTIO 1.2 section 5.2.4) behind the
//! function's device-configuration window.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `devcfg_valid`, `devcfg_write`, `devcfg_dw`, `devcfg_be`, `devcfg_wdata` | in | an access from the transport (strobe), DW index in the structure |
//! | `devcfg_done`, `devcfg_rdata` | out | the answer, always the cycle after the strobe |
//! | `resetting` | in | a device reset is pending: `writeback` returns to its reset value |
//! | `wce_on`, `flush_on` | in | CONFIG_WCE, FLUSH negotiated |
//! | `writeback` | out | the cache mode the request engine obeys: 1 writeback (writes are stable after a FLUSH), 0 writethrough (stable when completed) |
//!
//! Layout (72 bytes, all little-endian; DWs past 17 read 0):
//!
//! | DW | bytes | fields |
//! |---|---|---|
//! | 0, 1 | 0x00 | `capacity` (512-byte sectors, BLK-2) |
//! | 2 | 0x08 | `size_max` |
//! | 3 | 0x0C | `seg_max` |
//! | 4 | 0x10 | `geometry` (GEOMETRY not offered: 0) |
//! | 5 | 0x14 | `blk_size` |
//! | 6 | 0x18 | `physical_block_exp`, `alignment_offset`, `min_io_size` |
//! | 7 | 0x1C | `opt_io_size` |
//! | 8 | 0x20 | `writeback` (driver-writable with CONFIG_WCE, BLK-20), `unused0` = 0 (BLK-6), `num_queues` |
//! | 9-11 | 0x24 | `max_discard_sectors`, `max_discard_seg`, `discard_sector_alignment` (BLK-3) |
//! | 12, 13 | 0x30 | `max_write_zeroes_sectors`, `max_write_zeroes_seg` |
//! | 14 | 0x38 | `write_zeroes_may_unmap` = 0, `unused1` = 0 (BLK-6, BLK-16) |
//! | 15-17 | 0x3C | `max_secure_erase_sectors`, `max_secure_erase_seg`, `secure_erase_sector_alignment` |
//!
//! `writeback`: reads the configured reset value until the driver writes it, except that with
//! CONFIG_WCE negotiated and FLUSH not it reads 0 (BLK-5). Writes are taken only with
//! CONFIG_WCE negotiated; bit 0 of the byte is kept. The mode given to the request engine
//! (stability cases of section 5.2.6.2): with CONFIG_WCE the byte; else with FLUSH negotiated
//! writeback (the driver flushes); else writethrough. Every other write is ignored.

use super::BlkConfig;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct BlkConfigSpace {
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
    pub wce_on: Signal<In, bool>,
    pub flush_on: Signal<In, bool>,
    pub writeback: Signal<Out, bool>,
    _cfg: BlkConfig,
}

impl BlkConfigSpace {
    pub fn new(cfg: &BlkConfig) -> Self {
        cfg.validate();
        BlkConfigSpace {
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
            wce_on: Default::default(),
            flush_on: Default::default(),
            writeback: Default::default(),
            _cfg: cfg.clone(),
        }
    }
}

impl Default for BlkConfigSpace {
    fn default() -> Self {
        Self::new(&BlkConfig::default())
    }
}

impl Logic for BlkConfigSpace {
    fn update(&mut self) {
        panic!("BlkConfigSpace is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.devcfg_done.connect();
        self.devcfg_rdata.connect();
        self.writeback.connect();
    }

    fn hdl(&self) -> Verilog {
        let b = self._cfg.config_bytes();
        let dw =
            |k: usize| u32::from_le_bytes([b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]]);
        let mut cases = String::new();
        for k in 0..18 {
            if k == 8 {
                cases.push_str(&format!(
                    "    10'd8: devcfg_rdata <= {{16'd{nq}, 15'h0, wb_read}};\n",
                    nq = self._cfg.num_queues
                ));
            } else {
                cases.push_str(&format!(
                    "    10'd{k}: devcfg_rdata <= 32'h{:08x};\n",
                    dw(k)
                ));
            }
        }
        Verilog::Custom(
            VERILOG
                .replace("@WB@", if self._cfg.writeback { "1'b1" } else { "1'b0" })
                .replace("@CASES@", &cases),
        )
    }
}

const VERILOG: &str = r#"
reg wb;          // the byte's bit 0 as the driver wrote it
reg wb_written;  // the driver wrote it since reset
initial begin wb = 1'b0; wb_written = 1'b0; devcfg_done = 1'b0; devcfg_rdata = 32'h0; end
// the reset value, or 0 when CONFIG_WCE is negotiated without FLUSH (BLK-5)
wire wb_read = wb_written ? wb : (@WB@ & ~(wce_on & ~flush_on));
always @(posedge clock) begin
  if (reset | resetting) begin
    wb <= 1'b0;
    wb_written <= 1'b0;
  end else if (devcfg_valid & devcfg_write & (devcfg_dw == 10'd8) & devcfg_be[0] & wce_on) begin
    wb <= devcfg_wdata[0];
    wb_written <= 1'b1;
  end
  devcfg_done <= ~reset & devcfg_valid;
  if (devcfg_valid) case (devcfg_dw)
@CASES@    default: devcfg_rdata <= 32'h0;
  endcase
end
always @(*) writeback = wce_on ? wb_read : flush_on;
"#;
