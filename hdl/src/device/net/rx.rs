//! [`NetRx`]: the receive engine. Frames from the MAC-side port are filtered and stored in the
//! receive frame FIFO; each is then steered to a receive queue and written, header first, into
//! that queue's buffers, which the engine keeps in a per-queue cache as the queue engine hands
//! them over.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `rxf_valid`, `rxf_ready`, `rxf_data`, `rxf_bytes`, `rxf_last` | in/out/in | the MAC-side frame port (same shape as [`super::NetTx`]'s); `rxf_ready` is always high: a MAC cannot wait, frames that do not fit are dropped |
//! | `seg_*` | in (`seg_ready` out) | receive buffers from [`super::NetQueueMux`] |
//! | `want[15:0]` | out | per queue: the queue engine may fetch more buffers of it (low for a receive queue whose cache is nearly full; see below) |
//! | `done_*` | out | completions; a frame in several buffers completes them in a row with `done_more` on all but the last (PQ-15, NET-18) |
//! | `wr_*` | client | the write channels of a DMA client port |
//! | `resetting`, `queue_resetting`, `queue_reset_index` | in | a device or queue reset: the cached buffers of the queues concerned are forgotten once no frame is being written into them (the driver takes them back with the reset) |
//! | `mrg_on`, `hash_report_on` | in | MRG_RXBUF, HASH_REPORT negotiated (header 12 or 20 bytes) |
//! | `pairs[2:0]` | in | queue pairs in use (1 after reset, VQ_PAIRS_SET, NET-38/39) |
//! | `mac`, `promisc`, `allmulti`, `alluni`, `nomulti`, `nouni`, `nobcast`, `uni_over`, `multi_over`, `uc_n`, `mc_n`, `uc_tab`, `mc_tab` | in | the receive filter ([`super::NetCtrl`]) |
//! | `idle` | out | no buffer cached and no frame being written (registered) |
//! | `needs_reset` | out | pulse: a DMA write failed |
//! | `frames`, `drop_filter`, `drop_nobuf`, `drop_size` | out | frames delivered; dropped by the filter; for want of buffers; too long, too short or with no room in the FIFO |
//!
//! | step | what happens |
//! |---|---|
//! | intake | each frame into the FIFO while its destination is checked (NET-32, NET-36: promiscuous passes everything; broadcast unless NOBCAST; multicast unless NOMULTI if ALLMULTI, the multicast table overflowed or the address is in it; unicast unless NOUNI if ALLUNI, the unicast table overflowed, it is the station address or in the table); kept only if it passed, is 14 to `max_frame` bytes (NET-5) and fitted |
//! | steer | receiveq1 until VQ_PAIRS_SET(n > 1); then by flow: a hash of the IPv4 addresses (and TCP/UDP ports) picks one of the n queues, so a flow keeps its queue (NET-40's MUST; its SHOULD, following the transmit queue, is not done) |
//! | wait | until the queue's cached buffers hold header plus frame: with MRG_RXBUF any number of buffers, else the first alone; a frame that cannot fit the first buffer without MRG_RXBUF, or waits `rx_wait_cycles`, is dropped (counted) |
//! | plan | the buffers used are counted (`num_buffers`, NET-15) and each one's length fixed: all full but the last (NET-16, NET-17) |
//! | write | header (flags 0: DATA_VALID is never claimed, NET-19/26; gso NONE, NET-20; `num_buffers`; hash NONE) and frame as one byte stream into the buffers' segments, writes of at most 4 KiB inside a segment |
//! | complete | when every write is done: one completion per buffer, in order; a failed write completes them with `len` 0 and sets DEVICE_NEEDS_RESET (a frame is never reported whole unless it is whole in memory) |
//!
//! Buffer cache: per receive queue a ring of 256 segments and one of 64 buffers (a buffer
//! with more than 64 segments cannot arrive: the queue engine refuses it). The queue engine
//! holds at most 16 buffers and 127 segments in its FIFO and parses at most one read of 8
//! descriptors (or a 64-entry indirect table) more; so `want` drops while fewer than 26
//! buffers or 196 segments are free, and a buffer handed over always fits. A readable segment
//! in a receive buffer is skipped; a buffer with fewer writable bytes than the header is
//! completed with `len` 0 when it reaches the head.

use super::NetConfig;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct NetRx {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub resetting: Signal<In, bool>,
    pub queue_resetting: Signal<In, bool>,
    pub queue_reset_index: Signal<In, Bits<16>>,
    pub seg_valid: Signal<In, bool>,
    pub seg_ready: Signal<Out, bool>,
    pub seg_queue: Signal<In, Bits<16>>,
    pub seg_token: Signal<In, Bits<48>>,
    pub seg_addr: Signal<In, Bits<64>>,
    pub seg_len: Signal<In, Bits<32>>,
    pub seg_write: Signal<In, bool>,
    pub seg_last: Signal<In, bool>,
    pub want: Signal<Out, Bits<16>>,
    pub done_valid: Signal<Out, bool>,
    pub done_ready: Signal<In, bool>,
    pub done_queue: Signal<Out, Bits<16>>,
    pub done_token: Signal<Out, Bits<48>>,
    pub done_len: Signal<Out, Bits<32>>,
    pub done_more: Signal<Out, bool>,
    pub wr_req_valid: Signal<Out, bool>,
    pub wr_req_ready: Signal<In, bool>,
    pub wr_req_address: Signal<Out, Bits<64>>,
    pub wr_req_length: Signal<Out, Bits<16>>,
    pub wr_valid: Signal<Out, bool>,
    pub wr_ready: Signal<In, bool>,
    pub wr_data: Signal<Out, Bits<64>>,
    pub wr_done: Signal<In, bool>,
    pub wr_error: Signal<In, bool>,
    pub mrg_on: Signal<In, bool>,
    pub hash_report_on: Signal<In, bool>,
    pub pairs: Signal<In, Bits<3>>,
    pub mac: Signal<In, Bits<48>>,
    pub promisc: Signal<In, bool>,
    pub allmulti: Signal<In, bool>,
    pub alluni: Signal<In, bool>,
    pub nomulti: Signal<In, bool>,
    pub nouni: Signal<In, bool>,
    pub nobcast: Signal<In, bool>,
    pub uni_over: Signal<In, bool>,
    pub multi_over: Signal<In, bool>,
    pub uc_n: Signal<In, Bits<4>>,
    pub mc_n: Signal<In, Bits<4>>,
    pub uc_tab: Signal<In, Bits<384>>,
    pub mc_tab: Signal<In, Bits<384>>,
    pub rxf_valid: Signal<In, bool>,
    pub rxf_ready: Signal<Out, bool>,
    pub rxf_data: Signal<In, Bits<64>>,
    pub rxf_bytes: Signal<In, Bits<4>>,
    pub rxf_last: Signal<In, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub frames: Signal<Out, Bits<32>>,
    pub drop_filter: Signal<Out, Bits<32>>,
    pub drop_nobuf: Signal<Out, Bits<32>>,
    pub drop_size: Signal<Out, Bits<32>>,
    _cfg: NetConfig,
}

impl NetRx {
    pub fn new(cfg: &NetConfig) -> Self {
        cfg.validate();
        NetRx {
            clock: Default::default(),
            reset: Default::default(),
            resetting: Default::default(),
            queue_resetting: Default::default(),
            queue_reset_index: Default::default(),
            seg_valid: Default::default(),
            seg_ready: Default::default(),
            seg_queue: Default::default(),
            seg_token: Default::default(),
            seg_addr: Default::default(),
            seg_len: Default::default(),
            seg_write: Default::default(),
            seg_last: Default::default(),
            want: Default::default(),
            done_valid: Default::default(),
            done_ready: Default::default(),
            done_queue: Default::default(),
            done_token: Default::default(),
            done_len: Default::default(),
            done_more: Default::default(),
            wr_req_valid: Default::default(),
            wr_req_ready: Default::default(),
            wr_req_address: Default::default(),
            wr_req_length: Default::default(),
            wr_valid: Default::default(),
            wr_ready: Default::default(),
            wr_data: Default::default(),
            wr_done: Default::default(),
            wr_error: Default::default(),
            mrg_on: Default::default(),
            hash_report_on: Default::default(),
            pairs: Default::default(),
            mac: Default::default(),
            promisc: Default::default(),
            allmulti: Default::default(),
            alluni: Default::default(),
            nomulti: Default::default(),
            nouni: Default::default(),
            nobcast: Default::default(),
            uni_over: Default::default(),
            multi_over: Default::default(),
            uc_n: Default::default(),
            mc_n: Default::default(),
            uc_tab: Default::default(),
            mc_tab: Default::default(),
            rxf_valid: Default::default(),
            rxf_ready: Default::default(),
            rxf_data: Default::default(),
            rxf_bytes: Default::default(),
            rxf_last: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            frames: Default::default(),
            drop_filter: Default::default(),
            drop_nobuf: Default::default(),
            drop_size: Default::default(),
            _cfg: cfg.clone(),
        }
    }
}

impl Default for NetRx {
    fn default() -> Self {
        Self::new(&NetConfig::default())
    }
}

impl Logic for NetRx {
    fn update(&mut self) {
        panic!("NetRx is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.seg_ready.connect();
        self.want.connect();
        self.done_valid.connect();
        self.done_queue.connect();
        self.done_token.connect();
        self.done_len.connect();
        self.done_more.connect();
        self.wr_req_valid.connect();
        self.wr_req_address.connect();
        self.wr_req_length.connect();
        self.wr_valid.connect();
        self.wr_data.connect();
        self.rxf_ready.connect();
        self.idle.connect();
        self.needs_reset.connect();
        self.frames.connect();
        self.drop_filter.connect();
        self.drop_nobuf.connect();
        self.drop_size.connect();
    }

    fn hdl(&self) -> Verilog {
        let c = &self._cfg;
        Verilog::Custom(
            VERILOG
                .replace("@AW@", &c.rx_fifo_words.trailing_zeros().to_string())
                .replace("@DEPTH@", &c.rx_fifo_words.to_string())
                .replace("@MAXF@", &c.max_frame().to_string())
                .replace("@WAIT@", &c.rx_wait_cycles.to_string()),
        )
    }
}

const VERILOG: &str = include_str!("rx.v");
