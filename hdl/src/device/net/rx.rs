//! [`NetRx`]: the receive engine. Frames from the MAC-side port are filtered and stored in the
//! receive frame FIFO (their TCP/UDP checksums summed on the way), then hashed (RSS and hash
//! reporting); each is then steered to a receive queue and written, header first, into
//! that queue's buffers, which the engine keeps in a per-queue cache as the queue engine hands
//! them over.
//!
//! Interface (one clock, `reset` synchronous):
//!
//! | port | dir | meaning |
//! |---|---|---|
//! | `rxf_valid`, `rxf_ready`, `rxf_data`, `rxf_bytes`, `rxf_last`, `rxf_err` | in/out/in | the MAC-side frame port (same shape as [`super::NetTx`]'s); `rxf_ready` is always high: a MAC cannot wait, frames that do not fit are dropped; `rxf_err` with `rxf_last`: the MAC found the frame bad, it is dropped |
//! | `seg_*` | in (`seg_ready` out) | receive buffers from [`super::NetQueueMux`] |
//! | `want[15:0]` | out | per queue: the queue engine may fetch more buffers of it (low for a receive queue whose cache is nearly full; see below) |
//! | `done_*` | out | completions; a frame in several buffers completes them in a row with `done_more` on all but the last (PQ-15, NET-18) |
//! | `wr_*` | client | the write channels of a DMA client port (its [`SegmentWriter`]'s requests and data) |
//! | `resetting`, `queue_resetting`, `queue_reset_index` | in | a device or queue reset: the cached buffers of the queues concerned are forgotten once no frame is being written into them (the driver takes them back with the reset) |
//! | `mrg_on`, `hash_report_on` | in | MRG_RXBUF, HASH_REPORT negotiated (header 12 or 20 bytes) |
//! | `pairs[2:0]` | in | queue pairs in use (1 after reset, VQ_PAIRS_SET, NET-38/39) |
//! | `rss_on`, `hash_types`, `hash_key`, `rss_tab`, `rss_mask`, `rss_uncl` | in | RSS steering and the hash configuration ([`super::NetCtrl`]) |
//! | `guest_csum_on` | in | GUEST_CSUM negotiated: DATA_VALID may be set |
//! | `mac`, `promisc`, `allmulti`, `alluni`, `nomulti`, `nouni`, `nobcast`, `uni_over`, `multi_over`, `uc_n`, `mc_n`, `uc_tab`, `mc_tab` | in | the receive filter ([`super::NetCtrl`]) |
//! | `idle` | out | no buffer cached and no frame being written (registered) |
//! | `needs_reset` | out | pulse: a DMA write failed |
//! | `frames`, `drop_filter`, `drop_nobuf`, `drop_size` | out | frames delivered; dropped by the filter; for want of buffers; too long, too short, marked bad by the MAC (`rxf_err`), or with no room (the FIFO or its 16-entry frame list full, or the hash stage still busy with the frame before: only faster than line rate) |
//!
//! | step | what happens |
//! |---|---|
//! | intake | each frame into the FIFO while its destination is checked (NET-32, NET-36: promiscuous passes everything; broadcast unless NOBCAST; multicast unless NOMULTI if ALLMULTI, the multicast table overflowed or the address is in it; unicast unless NOUNI if ALLUNI, the unicast table overflowed, it is the station address or in the table); kept only if it passed, is 14 to `max_frame` bytes (NET-5) and fitted |
//! | checksum | on the way in, the 16-bit ones' complement sum of TCP/UDP over IPv4 (IHL 5, not a fragment) or IPv6, from the source address to the IP packet's end, in two registered steps a beat (mask, then sum); the pseudo-header added after the frame's end |
//! | hash stage | a cycle after the frame's end, in arrival order: the hash input by section 8.4's ladders, the Toeplitz hash a byte a cycle (NET-28), the checksum verdict (in its first hashing cycle, two cycles after the frame's end, when the last beat's sum is in), the queue |
//! | steer | receiveq1 until VQ_PAIRS_SET(n > 1); then by flow: a hash of the IPv4 addresses (and TCP/UDP ports) picks one of the n queues, so a flow keeps its queue (NET-40's MUST; its SHOULD, following the transmit queue, is not done); in RSS mode `indirection_table[hash & mask]`, `unclassified_queue` without a hash (NET-41) |
//! | wait | until the queue's cached buffers hold header plus frame: with MRG_RXBUF any number of buffers, else the first alone; a frame that cannot fit the first buffer without MRG_RXBUF, or waits `rx_wait_cycles`, is dropped (counted) |
//! | plan | the buffers used are counted (`num_buffers`, NET-15) and each one's length fixed: all full but the last (NET-16, NET-17) |
//! | write | header (flags: DATA_VALID only with GUEST_CSUM and a verified checksum, else 0, NET-19/26; gso NONE, NET-20; `num_buffers`; with HASH_REPORT `hash_value` and `hash_report`, NET-29) and frame as one byte stream into the buffers' segments ([`SegmentWriter`]: writes of at most 4 KiB inside a segment) |
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
use crate::device::segments::{SegWriterCtl, SegmentWriter};
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
    pub rss_on: Signal<In, bool>,
    pub guest_csum_on: Signal<In, bool>,
    pub hash_types: Signal<In, Bits<6>>,
    pub hash_key: Signal<In, Bits<320>>,
    pub rss_tab: Signal<In, Bits<256>>,
    pub rss_mask: Signal<In, Bits<7>>,
    pub rss_uncl: Signal<In, Bits<2>>,
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
    pub rxf_err: Signal<In, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub frames: Signal<Out, Bits<32>>,
    pub drop_filter: Signal<Out, Bits<32>>,
    pub drop_nobuf: Signal<Out, Bits<32>>,
    pub drop_size: Signal<Out, Bits<32>>,
    engine: NetRxEngine,
    writer: SegmentWriter,
}

impl NetRx {
    pub fn new(cfg: &NetConfig) -> Self {
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
            rss_on: Default::default(),
            guest_csum_on: Default::default(),
            hash_types: Default::default(),
            hash_key: Default::default(),
            rss_tab: Default::default(),
            rss_mask: Default::default(),
            rss_uncl: Default::default(),
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
            rxf_err: Default::default(),
            idle: Default::default(),
            needs_reset: Default::default(),
            frames: Default::default(),
            drop_filter: Default::default(),
            drop_nobuf: Default::default(),
            drop_size: Default::default(),
            engine: NetRxEngine::new(cfg),
            writer: Default::default(),
        }
    }
}

impl Default for NetRx {
    fn default() -> Self {
        Self::new(&NetConfig::default())
    }
}

impl Logic for NetRx {
    #[hdl_gen]
    fn update(&mut self) {
        self.engine.clock.next = self.clock.val();
        self.engine.reset.next = self.reset.val();
        self.engine.resetting.next = self.resetting.val();
        self.engine.queue_resetting.next = self.queue_resetting.val();
        self.engine.queue_reset_index.next = self.queue_reset_index.val();
        self.engine.seg_valid.next = self.seg_valid.val();
        self.seg_ready.next = self.engine.seg_ready.val();
        self.engine.seg_queue.next = self.seg_queue.val();
        self.engine.seg_token.next = self.seg_token.val();
        self.engine.seg_addr.next = self.seg_addr.val();
        self.engine.seg_len.next = self.seg_len.val();
        self.engine.seg_write.next = self.seg_write.val();
        self.engine.seg_last.next = self.seg_last.val();
        self.want.next = self.engine.want.val();
        self.done_valid.next = self.engine.done_valid.val();
        self.engine.done_ready.next = self.done_ready.val();
        self.done_queue.next = self.engine.done_queue.val();
        self.done_token.next = self.engine.done_token.val();
        self.done_len.next = self.engine.done_len.val();
        self.done_more.next = self.engine.done_more.val();
        self.wr_req_valid.next = self.writer.wr_req_valid.val();
        self.writer.wr_req_ready.next = self.wr_req_ready.val();
        self.wr_req_address.next = self.writer.wr_req_address.val();
        self.wr_req_length.next = self.writer.wr_req_length.val();
        self.wr_valid.next = self.writer.wr_valid.val();
        self.writer.wr_ready.next = self.wr_ready.val();
        self.wr_data.next = self.writer.wr_data.val();
        self.engine.wr_done.next = self.wr_done.val();
        self.engine.wr_error.next = self.wr_error.val();
        self.engine.mrg_on.next = self.mrg_on.val();
        self.engine.hash_report_on.next = self.hash_report_on.val();
        self.engine.pairs.next = self.pairs.val();
        self.engine.rss_on.next = self.rss_on.val();
        self.engine.guest_csum_on.next = self.guest_csum_on.val();
        self.engine.hash_types.next = self.hash_types.val();
        self.engine.hash_key.next = self.hash_key.val();
        self.engine.rss_tab.next = self.rss_tab.val();
        self.engine.rss_mask.next = self.rss_mask.val();
        self.engine.rss_uncl.next = self.rss_uncl.val();
        self.engine.mac.next = self.mac.val();
        self.engine.promisc.next = self.promisc.val();
        self.engine.allmulti.next = self.allmulti.val();
        self.engine.alluni.next = self.alluni.val();
        self.engine.nomulti.next = self.nomulti.val();
        self.engine.nouni.next = self.nouni.val();
        self.engine.nobcast.next = self.nobcast.val();
        self.engine.uni_over.next = self.uni_over.val();
        self.engine.multi_over.next = self.multi_over.val();
        self.engine.uc_n.next = self.uc_n.val();
        self.engine.mc_n.next = self.mc_n.val();
        self.engine.uc_tab.next = self.uc_tab.val();
        self.engine.mc_tab.next = self.mc_tab.val();
        self.engine.rxf_valid.next = self.rxf_valid.val();
        self.rxf_ready.next = self.engine.rxf_ready.val();
        self.engine.rxf_data.next = self.rxf_data.val();
        self.engine.rxf_bytes.next = self.rxf_bytes.val();
        self.engine.rxf_last.next = self.rxf_last.val();
        self.engine.rxf_err.next = self.rxf_err.val();
        self.idle.next = self.engine.idle.val();
        self.needs_reset.next = self.engine.needs_reset.val();
        self.frames.next = self.engine.frames.val();
        self.drop_filter.next = self.engine.drop_filter.val();
        self.drop_nobuf.next = self.engine.drop_nobuf.val();
        self.drop_size.next = self.engine.drop_size.val();
        self.writer.clock.next = self.clock.val();
        self.writer.reset.next = self.reset.val();
        SegWriterCtl::join(&mut self.engine.wtr, &mut self.writer.ctl);
        self.engine.wr_take.next = self.writer.wr_req_valid.val() & self.wr_req_ready.val();
    }
}

/// [`NetRx`]'s sequence: everything but the segment walk of the writes, which is its
/// [`SegmentWriter`]'s.
#[derive(LogicBlock)]
pub struct NetRxEngine {
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
    pub wtr: SegWriterCtl,
    pub wr_take: Signal<In, bool>,
    pub wr_done: Signal<In, bool>,
    pub wr_error: Signal<In, bool>,
    pub mrg_on: Signal<In, bool>,
    pub hash_report_on: Signal<In, bool>,
    pub pairs: Signal<In, Bits<3>>,
    pub rss_on: Signal<In, bool>,
    pub guest_csum_on: Signal<In, bool>,
    pub hash_types: Signal<In, Bits<6>>,
    pub hash_key: Signal<In, Bits<320>>,
    pub rss_tab: Signal<In, Bits<256>>,
    pub rss_mask: Signal<In, Bits<7>>,
    pub rss_uncl: Signal<In, Bits<2>>,
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
    pub rxf_err: Signal<In, bool>,
    pub idle: Signal<Out, bool>,
    pub needs_reset: Signal<Out, bool>,
    pub frames: Signal<Out, Bits<32>>,
    pub drop_filter: Signal<Out, Bits<32>>,
    pub drop_nobuf: Signal<Out, Bits<32>>,
    pub drop_size: Signal<Out, Bits<32>>,
    _cfg: NetConfig,
}

impl NetRxEngine {
    pub fn new(cfg: &NetConfig) -> Self {
        cfg.validate();
        NetRxEngine {
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
            wtr: Default::default(),
            wr_take: Default::default(),
            wr_done: Default::default(),
            wr_error: Default::default(),
            mrg_on: Default::default(),
            hash_report_on: Default::default(),
            pairs: Default::default(),
            rss_on: Default::default(),
            guest_csum_on: Default::default(),
            hash_types: Default::default(),
            hash_key: Default::default(),
            rss_tab: Default::default(),
            rss_mask: Default::default(),
            rss_uncl: Default::default(),
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
            rxf_err: Default::default(),
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

impl Logic for NetRxEngine {
    fn update(&mut self) {
        panic!("NetRxEngine is simulated through Verilator only (ferrio-sim)");
    }

    fn connect(&mut self) {
        self.seg_ready.connect();
        self.want.connect();
        self.wtr.connect_outputs();
        self.done_valid.connect();
        self.done_queue.connect();
        self.done_token.connect();
        self.done_len.connect();
        self.done_more.connect();
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
