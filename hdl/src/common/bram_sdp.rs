//! [`BramSdp`]: a simple dual-port RAM with byte enables on ECP5 block RAM.
//!
//! Interface (one clock): `2^A` words of `W = 8 * BE` bits.
//! - Write: at a rising edge with `write_enable` high, byte `k` of `write_data` is stored at
//!   `write_address` when bit `k` of `write_byte_enable` is set.
//! - Read: at a rising edge with `read_enable` high, the word at `read_address` is captured;
//!   `read_data` shows it from that edge on (latency one cycle) and holds it while
//!   `read_enable` is low.
//! - Reading the word being written at the same edge is undefined (the model returns the old
//!   value; the silicon promises nothing). The FIFOs never do it.
//!
//! Mapping: `ceil(BE / 4)` lanes by `2^(A-9)` rows of `DP16KD` in 36-bit pseudo-dual-port mode
//! ([`crate::ecp5::dp16kd`]), instantiated directly so that yosys cannot rebuild the read
//! register or byte enables in fabric. Rows are selected by the high address bits (write
//! enable per row, read data multiplexed by the registered row number). `A >= 9`.

use crate::ecp5::dp16kd;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct BramSdp<const W: usize, const BE: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub write_enable: Signal<In, bool>,
    pub write_address: Signal<In, Bits<A>>,
    pub write_data: Signal<In, Bits<W>>,
    pub write_byte_enable: Signal<In, Bits<BE>>,
    pub read_enable: Signal<In, bool>,
    pub read_address: Signal<In, Bits<A>>,
    pub read_data: Signal<Out, Bits<W>>,
    _mem: Vec<Bits<W>>,
}

impl<const W: usize, const BE: usize, const A: usize> BramSdp<W, BE, A> {
    /// Number of DP16KD cells this RAM occupies.
    pub const CELLS: usize = BE.div_ceil(4) << (A - 9);
}

impl<const W: usize, const BE: usize, const A: usize> Default for BramSdp<W, BE, A> {
    fn default() -> Self {
        assert_eq!(W, 8 * BE, "BramSdp: W must be 8 * BE");
        assert!((9..=20).contains(&A), "BramSdp: A must be 9..=20");
        Self {
            clock: Default::default(),
            write_enable: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_byte_enable: Default::default(),
            read_enable: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            _mem: vec![Bits::default(); 1 << A],
        }
    }
}

impl<const W: usize, const BE: usize, const A: usize> Logic for BramSdp<W, BE, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.read_enable.val() {
                self.read_data.next = self._mem[self.read_address.val().index()];
            }
            if self.write_enable.val() {
                let index = self.write_address.val().index();
                let enables = self.write_byte_enable.val();
                let data = self.write_data.val();
                let mut word = self._mem[index];
                for byte in 0..BE {
                    if enables.get_bit(byte) {
                        for bit in 8 * byte..8 * byte + 8 {
                            word = word.replace_bit(bit, data.get_bit(bit));
                        }
                    }
                }
                self._mem[index] = word;
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        let lanes = BE.div_ceil(4);
        let rows = 1usize << (A - 9);
        let mut v = String::new();
        v += &format!("// {rows} row(s) x {lanes} lane(s) of DP16KD, 36-bit pseudo-dual-port\n");
        for lane in 0..lanes {
            v += &format!("wire [35:0] di_l{lane};\nwire [3:0] be_l{lane};\n");
            for j in 0..4 {
                let k = 4 * lane + j;
                if k < BE {
                    v += &format!(
                        "assign di_l{lane}[{hi}:{lo}] = {{1'b0, write_data[{dhi}:{dlo}]}};\n\
                         assign be_l{lane}[{j}] = write_byte_enable[{k}];\n",
                        hi = 9 * j + 8,
                        lo = 9 * j,
                        dhi = 8 * k + 7,
                        dlo = 8 * k
                    );
                } else {
                    v += &format!(
                        "assign di_l{lane}[{hi}:{lo}] = 9'h0;\nassign be_l{lane}[{j}] = 1'b0;\n",
                        hi = 9 * j + 8,
                        lo = 9 * j
                    );
                }
            }
        }
        v += &format!(
            "wire [{}:0] dp16kd_q_row [0:{}];\n",
            36 * lanes - 1,
            rows - 1
        );
        for row in 0..rows {
            let we = if rows == 1 {
                "write_enable".to_string()
            } else {
                v += &format!(
                    "wire we_r{row} = write_enable & (write_address[{}:9] == {}'d{row});\n",
                    A - 1,
                    A - 9
                );
                format!("we_r{row}")
            };
            let mut qs = Vec::new();
            for lane in 0..lanes {
                let q = format!("q_r{row}_l{lane}");
                v += &format!("wire [35:0] {q};\n");
                v += &dp16kd::instance(
                    &format!("bram_r{row}_l{lane}"),
                    "clock",
                    &we,
                    "write_address",
                    &format!("be_l{lane}"),
                    &format!("di_l{lane}"),
                    "read_enable",
                    "read_address",
                    &q,
                );
                qs.push(q);
            }
            qs.reverse();
            v += &format!("assign dp16kd_q_row[{row}] = {{{}}};\n", qs.join(", "));
        }
        if rows == 1 {
            v += &format!("wire [{}:0] dp16kd_q = dp16kd_q_row[0];\n", 36 * lanes - 1);
        } else {
            v += &format!(
                "reg [{rb}:0] read_row;\n\
                 initial read_row = {w}'d0;\n\
                 always @(posedge clock) if (read_enable) read_row <= read_address[{ahi}:9];\n\
                 wire [{qb}:0] dp16kd_q = dp16kd_q_row[read_row];\n",
                rb = A - 10,
                w = A - 9,
                ahi = A - 1,
                qb = 36 * lanes - 1
            );
        }
        for k in 0..BE {
            v += &format!(
                "assign read_data[{}:{}] = dp16kd_q[{}:{}];\n",
                8 * k + 7,
                8 * k,
                9 * (k % 4) + 36 * (k / 4) + 7,
                9 * (k % 4) + 36 * (k / 4)
            );
        }
        Verilog::Wrapper(Wrapper {
            code: v,
            cores: String::new(),
        })
    }
}
