//! [`RequestCompleter`]: receives every TLP from `rx`, checks it, and answers non-posted
//! requests on `tx`.
//!
//! | received | answer | error bits set |
//! |---|---|---|
//! | CfgRd0 / CfgWr0 to function 0 or 1 | configuration access through `cfg_*`, then CplD / Cpl | - |
//! | CfgRd0 / CfgWr0 of `pci_cfg_data` while the window (`bar` 0, `length` 1, 2 or 4, `offset` aligned and inside BAR0) is valid | a BAR0 access of `length` bytes at `offset` through `reg_*`, data in the leading bytes (PCI-29, PCI-30), then CplD / Cpl | - |
//! | CfgWr0 | also captures the bus and device number (`requester`, completer IDs) | - |
//! | poisoned CfgWr0 | not applied; UR | Status.detected parity (15), Device Status non-fatal (1) |
//! | MRd / MWr (3 or 4 DW header), 1 or 2 DW, inside an enabled BAR0 | register access through `reg_*`, then CplD for MRd | - |
//! | MRd / MWr inside BAR0 longer than 2 DW | MRd: Completer Abort; MWr: dropped | Status.signaled target abort (11), non-fatal (1) |
//! | poisoned MWr inside BAR0 | dropped, not applied | detected parity (15), non-fatal (1) |
//! | MRd / MWr outside every enabled BAR0 (memory space off, unassigned, unmapped) | MRd: UR; MWr: dropped | function 0: UR detected (3), non-fatal (1) |
//! | configuration request to functions 2-7, type 1, IO, MRdLk, other non-posted | UR | function 0: UR detected (3), non-fatal (1) (not for functions 2-7) |
//! | messages | dropped (INTx is transmit-only) | - |
//! | completions | not seen here: the card's `RxRouter` sends them to the DMA engine; if one arrives it is dropped | - |
//! | malformed: TD set, DW count not matching the header; configuration request with length not 1 or last BE not 0; memory request crossing 4 KiB, length 1 with last BE not 0, length > 1 with a zero first or last BE | dropped, `malformed` pulses | both functions: fatal (2) |
//!
//! Interface:
//! - `rx`, `tx`: TLP streams (docs/ARCHITECTURE.md).
//! - `cfg_*`: to [`ConfigSpace`](crate::tlp::ConfigSpace); read data one cycle after the access.
//! - `reg_*`: the register bus to the transport (BAR0). `reg_valid` is a one-cycle strobe with
//!   `reg_write`, `reg_function`, `reg_dw` (DW index in BAR0), `reg_be` and `reg_wdata`
//!   (register view: byte 0 in bits 7:0); the completer then waits for the one-cycle
//!   `reg_done` (any latency), with `reg_rdata` for reads. A 2-DW request makes two accesses,
//!   in address order.
//! - `fN_memory_enable`, `fN_bar0`: Command bit 1 and BAR0 of each function.
//! - `fN_status_set`, `fN_device_status_set`: one-cycle error pulses into `ConfigSpace`.
//!
//! Timing: one request at a time; `rx.ready` is low from a TLP's last beat until its answer
//! has left. The checks are registered in a CHECK cycle before DECIDE acts on them (timing).
//! Completions carry the request's TC and attributes; memory read completions carry
//! the byte count and lower address computed from the byte enables.

use crate::common::{bits, Reg};
use crate::tlp::config_table::cap;
use crate::tlp::stream::{TlpSink, TlpSource, WireDw};
use crate::transport::layout;
use rust_hdl::prelude::*;

const RECV: u64 = 0;
const DECIDE: u64 = 1;
const ACCESS: u64 = 2;
const TX0: u64 = 3;
const TX1: u64 = 4;
const MEM: u64 = 5;
const WAIT: u64 = 6;
const TX2: u64 = 7;
const CHECK: u64 = 8;

#[derive(LogicBlock)]
pub struct RequestCompleter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, bool>,
    pub rx: TlpSink,
    pub tx: TlpSource,
    pub cfg_valid: Signal<Out, bool>,
    pub cfg_write: Signal<Out, bool>,
    pub cfg_function: Signal<Out, Bits<3>>,
    pub cfg_dw: Signal<Out, Bits<10>>,
    pub cfg_be: Signal<Out, Bits<4>>,
    pub cfg_wdata: Signal<Out, Bits<32>>,
    pub cfg_read_data: Signal<In, Bits<32>>,
    pub reg_valid: Signal<Out, bool>,
    pub reg_write: Signal<Out, bool>,
    pub reg_function: Signal<Out, bool>,
    pub reg_dw: Signal<Out, Bits<13>>,
    pub reg_be: Signal<Out, Bits<4>>,
    pub reg_wdata: Signal<Out, Bits<32>>,
    pub reg_done: Signal<In, bool>,
    pub reg_rdata: Signal<In, Bits<32>>,
    pub f0_memory_enable: Signal<In, bool>,
    pub f1_memory_enable: Signal<In, bool>,
    pub f0_bar0: Signal<In, Bits<64>>,
    pub f1_bar0: Signal<In, Bits<64>>,
    pub f0_pci_cfg_bar: Signal<In, Bits<8>>,
    pub f1_pci_cfg_bar: Signal<In, Bits<8>>,
    pub f0_pci_cfg_offset: Signal<In, Bits<32>>,
    pub f1_pci_cfg_offset: Signal<In, Bits<32>>,
    pub f0_pci_cfg_length: Signal<In, Bits<32>>,
    pub f1_pci_cfg_length: Signal<In, Bits<32>>,
    pub f0_status_set: Signal<Out, Bits<16>>,
    pub f1_status_set: Signal<Out, Bits<16>>,
    pub f0_device_status_set: Signal<Out, Bits<16>>,
    pub f1_device_status_set: Signal<Out, Bits<16>>,
    /// The requester ID of the card's own requests as DW1 of a request carries it: the bus and
    /// device number captured from configuration writes in bits 31:19, function 0.
    pub requester: Signal<Out, Bits<64>>,
    /// One-cycle pulse: a malformed TLP was dropped.
    pub malformed: Signal<Out, bool>,
    /// One-cycle pulse: an Unsupported Request was decided (completed or, posted, dropped).
    pub unsupported: Signal<Out, bool>,
    state: Reg<Bits<4>>,
    beats: Reg<Bits<11>>,
    b0: Reg<Bits<64>>,
    b1: Reg<Bits<64>>,
    b2: Reg<Bits<64>>,
    last_upper_only: Reg<bool>,
    header: Reg<Bits<64>>,
    lower: Reg<Bits<64>>,
    with_data: Reg<bool>,
    two_dw: Reg<bool>,
    is_mem: Reg<bool>,
    mem_fn: Reg<bool>,
    index: Reg<bool>,
    window: Reg<bool>,
    rd0: Reg<Bits<32>>,
    rd1: Reg<Bits<32>>,
    bus_device: Reg<Bits<64>>,
    // The checks, registered in CHECK so DECIDE's paths start at flip-flops.
    length_ok_r: Reg<bool>,
    mem_ok_r: Reg<bool>,
    hit0_r: Reg<bool>,
    hit1_r: Reg<bool>,
    byte_count_r: Reg<Bits<64>>,
    // The register-bus DW index of a memory request's first and second DW, registered in
    // CHECK (timing: the header's address through the +1 and on into both functions' register
    // decode in one cycle was the card's critical path).
    dw0_r: Reg<Bits<13>>,
    dw1_r: Reg<Bits<13>>,
    lower_r: Reg<Bits<64>>,
    wire0: WireDw,
    wire1: WireDw,
    fmt: Signal<Local, Bits<3>>,
    ty: Signal<Local, Bits<5>>,
    length: Signal<Local, Bits<11>>,
    dws: Signal<Local, Bits<11>>,
    length_ok: Signal<Local, bool>,
    has_data: Signal<Local, bool>,
    four_dw: Signal<Local, bool>,
    nonposted: Signal<Local, bool>,
    cfg_ok: Signal<Local, bool>,
    first_be: Signal<Local, Bits<4>>,
    last_be: Signal<Local, Bits<4>>,
    address: Signal<Local, Bits<64>>,
    mem_ok: Signal<Local, bool>,
    hit0: Signal<Local, bool>,
    hit1: Signal<Local, bool>,
    first_idx: Signal<Local, Bits<64>>,
    last_idx: Signal<Local, Bits<64>>,
    byte_count: Signal<Local, Bits<64>>,
    data0: Signal<Local, Bits<32>>,
    data1: Signal<Local, Bits<32>>,
    wdata_wire: Signal<Local, Bits<32>>,
    tc_attr: Signal<Local, Bits<64>>,
    cfg_completer: Signal<Local, Bits<64>>,
    fn_id: Signal<Local, Bits<64>>,
    win_bar: Signal<Local, Bits<8>>,
    win_offset: Signal<Local, Bits<32>>,
    win_length: Signal<Local, Bits<32>>,
    win_ok: Signal<Local, bool>,
    win_shift: Signal<Local, Bits<32>>,
    win_be: Signal<Local, Bits<4>>,
    win_dw: Constant<Bits<10>>,
    zero8: Constant<Bits<8>>,
    one32: Constant<Bits<32>>,
    two32: Constant<Bits<32>>,
    three32: Constant<Bits<32>>,
    four32: Constant<Bits<32>>,
    bar_size32: Constant<Bits<32>>,
    zero32: Constant<Bits<32>>,
    be1: Constant<Bits<4>>,
    be2: Constant<Bits<4>>,
    be4: Constant<Bits<4>>,
    s_recv: Constant<Bits<4>>,
    s_decide: Constant<Bits<4>>,
    s_access: Constant<Bits<4>>,
    s_tx0: Constant<Bits<4>>,
    s_tx1: Constant<Bits<4>>,
    s_mem: Constant<Bits<4>>,
    s_wait: Constant<Bits<4>>,
    s_tx2: Constant<Bits<4>>,
    s_check: Constant<Bits<4>>,
    one11: Constant<Bits<11>>,
    two11: Constant<Bits<11>>,
    three11: Constant<Bits<11>>,
    four11: Constant<Bits<11>>,
    len_mask: Constant<Bits<11>>,
    zero11: Constant<Bits<11>>,
    k1024: Constant<Bits<11>>,
    one3: Constant<Bits<3>>,
    two3: Constant<Bits<3>>,
    ty_mem: Constant<Bits<5>>,
    ty_mem_locked: Constant<Bits<5>>,
    ty_io: Constant<Bits<5>>,
    ty_cfg0: Constant<Bits<5>>,
    ty_cfg1: Constant<Bits<5>>,
    zero4: Constant<Bits<4>>,
    two_functions: Constant<Bits<3>>,
    c0: Constant<Bits<64>>,
    c1: Constant<Bits<64>>,
    c2: Constant<Bits<64>>,
    c3: Constant<Bits<64>>,
    c4: Constant<Bits<64>>,
    mask_tc_attr: Constant<Bits<64>>,
    mask_hi16: Constant<Bits<64>>,
    mask_bus_device: Constant<Bits<64>>,
    mask_requester_tag: Constant<Bits<64>>,
    mask_addr3: Constant<Bits<64>>,
    mask_addr4: Constant<Bits<64>>,
    mask_bar: Constant<Bits<64>>,
    mask_lower: Constant<Bits<64>>,
    mask_length: Constant<Bits<64>>,
    one13: Constant<Bits<13>>,
    fn1_id: Constant<Bits<64>>,
    cpld_header: Constant<Bits<64>>,
    cpld_mem_header: Constant<Bits<64>>,
    cpl_header: Constant<Bits<64>>,
    ur_header: Constant<Bits<64>>,
    ca_header: Constant<Bits<64>>,
    mask_byte: Constant<Bits<32>>,
    no_bits: Constant<Bits<16>>,
    err_fatal: Constant<Bits<16>>,
    err_ur: Constant<Bits<16>>,
    err_nonfatal: Constant<Bits<16>>,
    st_parity: Constant<Bits<16>>,
    st_target_abort: Constant<Bits<16>>,
}

impl Default for RequestCompleter {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            rx: Default::default(),
            tx: Default::default(),
            cfg_valid: Default::default(),
            cfg_write: Default::default(),
            cfg_function: Default::default(),
            cfg_dw: Default::default(),
            cfg_be: Default::default(),
            cfg_wdata: Default::default(),
            cfg_read_data: Default::default(),
            reg_valid: Default::default(),
            reg_write: Default::default(),
            reg_function: Default::default(),
            reg_dw: Default::default(),
            reg_be: Default::default(),
            reg_wdata: Default::default(),
            reg_done: Default::default(),
            reg_rdata: Default::default(),
            f0_memory_enable: Default::default(),
            f1_memory_enable: Default::default(),
            f0_bar0: Default::default(),
            f1_bar0: Default::default(),
            f0_pci_cfg_bar: Default::default(),
            f1_pci_cfg_bar: Default::default(),
            f0_pci_cfg_offset: Default::default(),
            f1_pci_cfg_offset: Default::default(),
            f0_pci_cfg_length: Default::default(),
            f1_pci_cfg_length: Default::default(),
            f0_status_set: Default::default(),
            f1_status_set: Default::default(),
            f0_device_status_set: Default::default(),
            f1_device_status_set: Default::default(),
            requester: Default::default(),
            malformed: Default::default(),
            unsupported: Default::default(),
            state: Default::default(),
            beats: Default::default(),
            b0: Default::default(),
            b1: Default::default(),
            b2: Default::default(),
            last_upper_only: Default::default(),
            header: Default::default(),
            lower: Default::default(),
            with_data: Default::default(),
            two_dw: Default::default(),
            is_mem: Default::default(),
            mem_fn: Default::default(),
            index: Default::default(),
            window: Default::default(),
            rd0: Default::default(),
            rd1: Default::default(),
            bus_device: Default::default(),
            length_ok_r: Default::default(),
            mem_ok_r: Default::default(),
            hit0_r: Default::default(),
            hit1_r: Default::default(),
            byte_count_r: Default::default(),
            dw0_r: Default::default(),
            dw1_r: Default::default(),
            lower_r: Default::default(),
            wire0: Default::default(),
            wire1: Default::default(),
            fmt: Default::default(),
            ty: Default::default(),
            length: Default::default(),
            dws: Default::default(),
            length_ok: Default::default(),
            has_data: Default::default(),
            four_dw: Default::default(),
            nonposted: Default::default(),
            cfg_ok: Default::default(),
            first_be: Default::default(),
            last_be: Default::default(),
            address: Default::default(),
            mem_ok: Default::default(),
            hit0: Default::default(),
            hit1: Default::default(),
            first_idx: Default::default(),
            last_idx: Default::default(),
            byte_count: Default::default(),
            data0: Default::default(),
            data1: Default::default(),
            wdata_wire: Default::default(),
            tc_attr: Default::default(),
            cfg_completer: Default::default(),
            fn_id: Default::default(),
            win_bar: Default::default(),
            win_offset: Default::default(),
            win_length: Default::default(),
            win_ok: Default::default(),
            win_shift: Default::default(),
            win_be: Default::default(),
            // pci_cfg_data: the DW at capability offset 0x10 (PCI-29, PCI-30).
            win_dw: bits(((cap::VIRTIO_PCI_CFG + 16) / 4) as u64),
            zero8: bits(0),
            one32: bits(1),
            two32: bits(2),
            three32: bits(3),
            four32: bits(4),
            bar_size32: bits(layout::BAR0_SIZE as u64),
            zero32: bits(0),
            be1: bits(0b0001),
            be2: bits(0b0011),
            be4: bits(0b1111),
            s_recv: bits(RECV),
            s_decide: bits(DECIDE),
            s_access: bits(ACCESS),
            s_tx0: bits(TX0),
            s_tx1: bits(TX1),
            s_mem: bits(MEM),
            s_wait: bits(WAIT),
            s_tx2: bits(TX2),
            s_check: bits(CHECK),
            one11: bits(1),
            two11: bits(2),
            three11: bits(3),
            four11: bits(4),
            len_mask: bits(0x3ff),
            zero11: bits(0),
            k1024: bits(1024),
            one3: bits(1),
            two3: bits(2),
            ty_mem: bits(0b00000),
            ty_mem_locked: bits(0b00001),
            ty_io: bits(0b00010),
            ty_cfg0: bits(0b00100),
            ty_cfg1: bits(0b00101),
            zero4: bits(0),
            two_functions: bits(2),
            c0: bits(0),
            c1: bits(1),
            c2: bits(2),
            c3: bits(3),
            c4: bits(4),
            // DW0 TC (22:20), Attr[2] (18), Attr[1:0] (13:12), in the upper half of beat 0.
            mask_tc_attr: bits(0x0074_3000_0000_0000),
            mask_hi16: bits(0xffff_0000),
            mask_bus_device: bits(0xfff8_0000),
            mask_requester_tag: bits(0xffff_ff00),
            mask_addr3: bits(0xffff_fffc),
            mask_addr4: bits(0xffff_ffff_ffff_fffc),
            // A BAR0 hit compares every address bit above the BAR's size.
            mask_bar: bits(!(layout::BAR0_SIZE as u64 - 1)),
            mask_lower: bits(0x7c),
            mask_length: bits(0x3ff_0000_0000),
            one13: bits(1),
            fn1_id: bits(0x0001_0000),
            // Completion DW0 (fmt/type/length) and DW1 (status, byte count).
            cpld_header: bits(0x4a00_0001_0000_0004),
            cpld_mem_header: bits(0x4a00_0000_0000_0000),
            cpl_header: bits(0x0a00_0000_0000_0004),
            ur_header: bits(0x0a00_0000_0000_2004),
            ca_header: bits(0x0a00_0000_0000_8004),
            mask_byte: bits(0xff),
            no_bits: bits(0),
            err_fatal: bits(1 << 2),
            err_ur: bits((1 << 3) | (1 << 1)),
            err_nonfatal: bits(1 << 1),
            st_parity: bits(1 << 15),
            st_target_abort: bits(1 << 11),
        }
    }
}

impl Logic for RequestCompleter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            beats,
            b0,
            b1,
            b2,
            last_upper_only,
            header,
            lower,
            with_data,
            two_dw,
            is_mem,
            mem_fn,
            index,
            window,
            rd0,
            rd1,
            bus_device,
            length_ok_r,
            mem_ok_r,
            hit0_r,
            hit1_r,
            byte_count_r,
            dw0_r,
            dw1_r,
            lower_r
        );
        self.state.reset.next = self.reset.val();
        self.beats.reset.next = self.reset.val();
        self.b0.reset.next = self.reset.val();
        self.b1.reset.next = self.reset.val();
        self.b2.reset.next = self.reset.val();
        self.last_upper_only.reset.next = self.reset.val();
        self.header.reset.next = self.reset.val();
        self.lower.reset.next = self.reset.val();
        self.with_data.reset.next = self.reset.val();
        self.two_dw.reset.next = self.reset.val();
        self.is_mem.reset.next = self.reset.val();
        self.mem_fn.reset.next = self.reset.val();
        self.index.reset.next = self.reset.val();
        self.window.reset.next = self.reset.val();
        self.rd0.reset.next = self.reset.val();
        self.rd1.reset.next = self.reset.val();
        self.bus_device.reset.next = self.reset.val();
        self.length_ok_r.reset.next = self.reset.val();
        self.mem_ok_r.reset.next = self.reset.val();
        self.hit0_r.reset.next = self.reset.val();
        self.hit1_r.reset.next = self.reset.val();
        self.byte_count_r.reset.next = self.reset.val();
        self.dw0_r.reset.next = self.reset.val();
        self.dw1_r.reset.next = self.reset.val();
        self.lower_r.reset.next = self.reset.val();

        // Defaults.
        self.rx.ready.next = self.state.q.val() == self.s_recv.val();
        self.tx.valid.next = false;
        self.tx.data.next = self.header.q.val();
        self.tx.sop.next = false;
        self.tx.eop.next = false;
        self.tx.upper_only.next = false;
        self.malformed.next = false;
        self.unsupported.next = false;
        self.f0_status_set.next = self.no_bits.val();
        self.f1_status_set.next = self.no_bits.val();
        self.f0_device_status_set.next = self.no_bits.val();
        self.f1_device_status_set.next = self.no_bits.val();
        self.requester.next = self.bus_device.q.val();
        self.wire0.register.next = self.rd0.q.val();
        self.wire1.register.next = self.rd1.q.val();

        // Decode of the captured header (meaningful in DECIDE and later).
        self.fmt.next = self.b0.q.val().get_bits::<3>(61);
        self.ty.next = self.b0.q.val().get_bits::<5>(56);
        self.has_data.next = (self.fmt.val() & self.two3.val()) == self.two3.val();
        self.four_dw.next = (self.fmt.val() & self.one3.val()) == self.one3.val();
        self.length.next = self.b0.q.val().get_bits::<11>(32) & self.len_mask.val();
        if self.length.val() == self.zero11.val() {
            self.length.next = self.k1024.val();
        }
        self.dws.next = self.three11.val();
        if self.four_dw.val() {
            self.dws.next = self.four11.val();
        }
        if self.has_data.val() {
            self.dws.next = self.dws.val() + self.length.val();
        }
        self.length_ok.next = (self.beats.q.val() == ((self.dws.val() + self.one11.val()) >> 1))
            & (self.last_upper_only.q.val()
                == ((self.dws.val() & self.one11.val()) == self.one11.val()));
        self.nonposted.next = ((self.ty.val() == self.ty_mem.val()) & (!self.has_data.val()))
            | (self.ty.val() == self.ty_mem_locked.val())
            | (self.ty.val() == self.ty_io.val())
            | (self.ty.val() == self.ty_cfg0.val())
            | (self.ty.val() == self.ty_cfg1.val());
        self.first_be.next = self.b0.q.val().get_bits::<4>(0);
        self.last_be.next = self.b0.q.val().get_bits::<4>(4);
        self.cfg_ok.next = (self.length.val() == self.one11.val())
            & (self.last_be.val() == self.zero4.val())
            & (!self.four_dw.val());
        self.tc_attr.next = self.b0.q.val() & self.mask_tc_attr.val();
        self.cfg_completer.next = (self.b1.q.val() >> 32) & self.mask_hi16.val();

        // Memory requests: address, BAR0 hit, byte enable and 4 KiB rules.
        self.address.next = (self.b1.q.val() >> 32) & self.mask_addr3.val();
        if self.four_dw.val() {
            self.address.next = self.b1.q.val() & self.mask_addr4.val();
        }
        self.hit0.next = ((self.address.val() & self.mask_bar.val())
            == (self.f0_bar0.val() & self.mask_bar.val()))
            & self.f0_memory_enable.val();
        self.hit1.next = ((self.address.val() & self.mask_bar.val())
            == (self.f1_bar0.val() & self.mask_bar.val()))
            & self.f1_memory_enable.val();
        self.mem_ok.next = (((self.address.val().get_bits::<11>(2) & self.len_mask.val())
            + self.length.val())
            <= self.k1024.val())
            & (((self.length.val() == self.one11.val())
                & (self.last_be.val() == self.zero4.val()))
                | ((self.length.val() != self.one11.val())
                    & (self.first_be.val() != self.zero4.val())
                    & (self.last_be.val() != self.zero4.val())));
        // Byte count and lower address of a memory read completion (PCIe 2.3.1.1).
        self.first_idx.next = self.c0.val();
        if self.first_be.val().get_bit(0) {
            self.first_idx.next = self.c0.val();
        } else if self.first_be.val().get_bit(1) {
            self.first_idx.next = self.c1.val();
        } else if self.first_be.val().get_bit(2) {
            self.first_idx.next = self.c2.val();
        } else if self.first_be.val().get_bit(3) {
            self.first_idx.next = self.c3.val();
        }
        self.last_idx.next = self.c0.val();
        if self.length.val() == self.one11.val() {
            if self.first_be.val().get_bit(3) {
                self.last_idx.next = self.c3.val();
            } else if self.first_be.val().get_bit(2) {
                self.last_idx.next = self.c2.val();
            } else if self.first_be.val().get_bit(1) {
                self.last_idx.next = self.c1.val();
            }
            self.byte_count.next = self.last_idx.val() - self.first_idx.val() + self.c1.val();
        } else {
            if self.last_be.val().get_bit(3) {
                self.last_idx.next = self.c3.val();
            } else if self.last_be.val().get_bit(2) {
                self.last_idx.next = self.c2.val();
            } else if self.last_be.val().get_bit(1) {
                self.last_idx.next = self.c1.val();
            }
            self.byte_count.next =
                self.c4.val() - self.first_idx.val() + self.last_idx.val() + self.c1.val();
        }
        self.fn_id.next = self.c0.val();
        if !self.hit0_r.q.val() {
            self.fn_id.next = self.fn1_id.val();
        }

        // The virtio PCI configuration access window of the addressed function.
        self.win_bar.next = self.f0_pci_cfg_bar.val();
        self.win_offset.next = self.f0_pci_cfg_offset.val();
        self.win_length.next = self.f0_pci_cfg_length.val();
        if self.b1.q.val().get_bit(48) {
            self.win_bar.next = self.f1_pci_cfg_bar.val();
            self.win_offset.next = self.f1_pci_cfg_offset.val();
            self.win_length.next = self.f1_pci_cfg_length.val();
        }
        self.win_shift.next = (self.win_offset.val() & self.three32.val()) << 3;
        self.win_be.next = self.be4.val();
        if self.win_length.val() == self.one32.val() {
            self.win_be.next = self.be1.val();
        } else if self.win_length.val() == self.two32.val() {
            self.win_be.next = self.be2.val();
        }
        self.win_be.next = self.win_be.val() << self.win_offset.val().get_bits::<2>(0);
        self.win_ok.next = (self.win_bar.val() == self.zero8.val())
            & (self.win_offset.val() < self.bar_size32.val())
            & ((self.win_length.val() == self.one32.val())
                | ((self.win_length.val() == self.two32.val())
                    & (!self.win_offset.val().get_bit(0)))
                | ((self.win_length.val() == self.four32.val())
                    & ((self.win_offset.val() & self.three32.val()) == self.zero32.val())));

        // Write data of a memory request, wire order.
        self.data0.next = self.b1.q.val().get_bits::<32>(0);
        self.data1.next = self.b2.q.val().get_bits::<32>(32);
        if self.four_dw.val() {
            self.data0.next = self.b2.q.val().get_bits::<32>(32);
            self.data1.next = self.b2.q.val().get_bits::<32>(0);
        }
        self.wdata_wire.next = self.data0.val();
        if self.index.q.val() {
            self.wdata_wire.next = self.data1.val();
        }

        // The configuration access (driven in ACCESS).
        self.cfg_valid.next = self.state.q.val() == self.s_access.val();
        self.cfg_write.next = self.has_data.val();
        self.cfg_function.next = self.b1.q.val().get_bits::<3>(48);
        self.cfg_dw.next = self.b1.q.val().get_bits::<10>(34);
        self.cfg_be.next = self.first_be.val();
        // Write data: DW3 in the low half of beat 1, wire order -> register view.
        self.cfg_wdata.next = ((self.b1.q.val().get_bits::<32>(0) & self.mask_byte.val()) << 24)
            | ((self.b1.q.val().get_bits::<32>(8) & self.mask_byte.val()) << 16)
            | ((self.b1.q.val().get_bits::<32>(16) & self.mask_byte.val()) << 8)
            | (self.b1.q.val().get_bits::<32>(24) & self.mask_byte.val());

        // The register access (driven in MEM).
        self.reg_valid.next = self.state.q.val() == self.s_mem.val();
        self.reg_write.next = self.has_data.val();
        self.reg_function.next = self.mem_fn.q.val();
        self.reg_dw.next = self.dw0_r.q.val();
        self.reg_be.next = self.first_be.val();
        if self.index.q.val() {
            self.reg_dw.next = self.dw1_r.q.val();
            self.reg_be.next = self.last_be.val();
        }
        self.reg_wdata.next = ((self.wdata_wire.val() & self.mask_byte.val()) << 24)
            | (((self.wdata_wire.val() >> 8) & self.mask_byte.val()) << 16)
            | (((self.wdata_wire.val() >> 16) & self.mask_byte.val()) << 8)
            | ((self.wdata_wire.val() >> 24) & self.mask_byte.val());
        if self.window.q.val() {
            // The leading `length` bytes of pci_cfg_data, moved to the offset's lanes.
            self.reg_dw.next = self.win_offset.val().get_bits::<13>(2);
            self.reg_be.next = self.win_be.val();
            self.reg_wdata.next = self.cfg_wdata.val() << self.win_shift.val();
        }

        if self.state.q.val() == self.s_recv.val() {
            if self.rx.valid.val() {
                if self.rx.sop.val() {
                    self.beats.d.next = self.one11.val();
                    self.b0.d.next = self.rx.data.val();
                } else {
                    self.beats.d.next = self.beats.q.val() + self.one11.val();
                    if self.beats.q.val() == self.one11.val() {
                        self.b1.d.next = self.rx.data.val();
                    }
                    if self.beats.q.val() == self.two11.val() {
                        self.b2.d.next = self.rx.data.val();
                    }
                }
                if self.rx.eop.val() {
                    self.last_upper_only.d.next = self.rx.upper_only.val();
                    self.state.d.next = self.s_check.val();
                }
            }
        } else if self.state.q.val() == self.s_check.val() {
            self.length_ok_r.d.next = self.length_ok.val();
            self.mem_ok_r.d.next = self.mem_ok.val();
            self.hit0_r.d.next = self.hit0.val();
            self.hit1_r.d.next = self.hit1.val();
            self.byte_count_r.d.next = self.byte_count.val();
            self.dw0_r.d.next = self.address.val().get_bits::<13>(2);
            self.dw1_r.d.next = self.address.val().get_bits::<13>(2) + self.one13.val();
            self.lower_r.d.next =
                ((self.address.val() & self.mask_lower.val()) | self.first_idx.val()) << 32;
            self.state.d.next = self.s_decide.val();
        } else if self.state.q.val() == self.s_decide.val() {
            self.state.d.next = self.s_recv.val();
            self.index.d.next = false;
            self.two_dw.d.next = false;
            self.is_mem.d.next = false;
            self.window.d.next = false;
            self.lower.d.next = self.c0.val();
            if self.b0.q.val().get_bit(47)
                | (!self.length_ok_r.q.val())
                | ((self.ty.val() == self.ty_mem.val()) & (!self.mem_ok_r.q.val()))
            {
                self.malformed.next = true;
                self.f0_device_status_set.next = self.err_fatal.val();
                self.f1_device_status_set.next = self.err_fatal.val();
            } else if (self.ty.val() == self.ty_mem.val())
                & (self.hit0_r.q.val() | self.hit1_r.q.val())
            {
                self.mem_fn.d.next = !self.hit0_r.q.val();
                self.is_mem.d.next = true;
                self.two_dw.d.next = self.length.val() == self.two11.val();
                self.with_data.d.next = !self.has_data.val();
                self.header.d.next = self.cpld_mem_header.val()
                    | self.tc_attr.val()
                    | (self.b0.q.val() & self.mask_length.val())
                    | self.bus_device.q.val()
                    | self.fn_id.val()
                    | self.byte_count_r.q.val();
                self.lower.d.next = self.lower_r.q.val();
                if self.has_data.val() & self.b0.q.val().get_bit(46) {
                    // Poisoned write: never applied.
                    if self.hit0_r.q.val() {
                        self.f0_status_set.next = self.st_parity.val();
                        self.f0_device_status_set.next = self.err_nonfatal.val();
                    } else {
                        self.f1_status_set.next = self.st_parity.val();
                        self.f1_device_status_set.next = self.err_nonfatal.val();
                    }
                } else if self.length.val() > self.two11.val() {
                    // Longer than any register access: Completer Abort.
                    if self.hit0_r.q.val() {
                        self.f0_status_set.next = self.st_target_abort.val();
                        self.f0_device_status_set.next = self.err_nonfatal.val();
                    } else {
                        self.f1_status_set.next = self.st_target_abort.val();
                        self.f1_device_status_set.next = self.err_nonfatal.val();
                    }
                    if !self.has_data.val() {
                        self.state.d.next = self.s_tx0.val();
                        self.with_data.d.next = false;
                        self.lower.d.next = self.c0.val();
                        self.header.d.next = self.ca_header.val()
                            | self.tc_attr.val()
                            | self.bus_device.q.val()
                            | self.fn_id.val();
                    }
                } else {
                    self.state.d.next = self.s_mem.val();
                }
            } else if (self.ty.val() == self.ty_mem.val()) & self.has_data.val() {
                // Posted write to no BAR: dropped, logged as an Unsupported Request.
                self.unsupported.next = true;
                self.f0_device_status_set.next = self.err_ur.val();
            } else if self.nonposted.val() {
                if ((self.ty.val() == self.ty_cfg0.val()) | (self.ty.val() == self.ty_cfg1.val()))
                    & (!self.cfg_ok.val())
                {
                    self.malformed.next = true;
                    self.f0_device_status_set.next = self.err_fatal.val();
                    self.f1_device_status_set.next = self.err_fatal.val();
                } else if (self.ty.val() == self.ty_cfg0.val())
                    & (self.b1.q.val().get_bits::<3>(48) < self.two_functions.val())
                    & (!(self.has_data.val() & self.b0.q.val().get_bit(46)))
                {
                    self.state.d.next = self.s_access.val();
                    self.with_data.d.next = !self.has_data.val();
                    if (self.cfg_dw.val() == self.win_dw.val()) & self.win_ok.val() {
                        // pci_cfg_data: a BAR0 access through the window instead.
                        self.state.d.next = self.s_mem.val();
                        self.window.d.next = true;
                        self.is_mem.d.next = true;
                        self.mem_fn.d.next = self.b1.q.val().get_bit(48);
                    }
                    if self.has_data.val() {
                        self.header.d.next =
                            self.cpl_header.val() | self.tc_attr.val() | self.cfg_completer.val();
                    } else {
                        self.header.d.next =
                            self.cpld_header.val() | self.tc_attr.val() | self.cfg_completer.val();
                    }
                } else {
                    self.unsupported.next = true;
                    self.state.d.next = self.s_tx0.val();
                    self.with_data.d.next = false;
                    if (self.ty.val() == self.ty_cfg0.val()) | (self.ty.val() == self.ty_cfg1.val())
                    {
                        self.header.d.next =
                            self.ur_header.val() | self.tc_attr.val() | self.cfg_completer.val();
                    } else {
                        self.header.d.next =
                            self.ur_header.val() | self.tc_attr.val() | self.bus_device.q.val();
                    }
                    if self.ty.val() == self.ty_cfg0.val() {
                        if self.b1.q.val().get_bits::<3>(48) < self.two_functions.val() {
                            // Poisoned configuration write to one of our functions.
                            if self.b1.q.val().get_bit(48) {
                                self.f1_status_set.next = self.st_parity.val();
                                self.f1_device_status_set.next = self.err_nonfatal.val();
                            } else {
                                self.f0_status_set.next = self.st_parity.val();
                                self.f0_device_status_set.next = self.err_nonfatal.val();
                            }
                        }
                    } else {
                        self.f0_device_status_set.next = self.err_ur.val();
                    }
                }
            }
        } else if self.state.q.val() == self.s_access.val() {
            if self.has_data.val() {
                self.bus_device.d.next = (self.b1.q.val() >> 32) & self.mask_bus_device.val();
            }
            self.state.d.next = self.s_tx0.val();
        } else if self.state.q.val() == self.s_mem.val() {
            self.state.d.next = self.s_wait.val();
        } else if self.state.q.val() == self.s_wait.val() {
            if self.reg_done.val() {
                if self.index.q.val() {
                    self.rd1.d.next = self.reg_rdata.val();
                } else if self.window.q.val() {
                    self.rd0.d.next = self.reg_rdata.val() >> self.win_shift.val();
                } else {
                    self.rd0.d.next = self.reg_rdata.val();
                }
                if self.window.q.val() {
                    self.state.d.next = self.s_tx0.val();
                } else if self.two_dw.q.val() & (!self.index.q.val()) {
                    self.index.d.next = true;
                    self.state.d.next = self.s_mem.val();
                } else if self.has_data.val() {
                    self.state.d.next = self.s_recv.val();
                } else {
                    self.state.d.next = self.s_tx0.val();
                }
            }
        } else if self.state.q.val() == self.s_tx0.val() {
            self.tx.valid.next = true;
            self.tx.sop.next = true;
            self.tx.data.next = self.header.q.val();
            if !self.is_mem.q.val() {
                self.rd0.d.next = self.cfg_read_data.val();
            }
            if self.tx.ready.val() {
                self.state.d.next = self.s_tx1.val();
            }
        } else if self.state.q.val() == self.s_tx1.val() {
            self.tx.valid.next = true;
            self.tx.eop.next = !(self.with_data.q.val() & self.two_dw.q.val());
            self.tx.upper_only.next = !self.with_data.q.val();
            self.tx.data.next =
                ((self.b0.q.val() & self.mask_requester_tag.val()) << 32) | self.lower.q.val();
            if self.with_data.q.val() {
                self.tx.data.next = ((self.b0.q.val() & self.mask_requester_tag.val()) << 32)
                    | self.lower.q.val()
                    | self.wire0.low_half.val();
            }
            if self.tx.ready.val() {
                if self.with_data.q.val() & self.two_dw.q.val() {
                    self.state.d.next = self.s_tx2.val();
                } else {
                    self.state.d.next = self.s_recv.val();
                }
            }
        } else if self.state.q.val() == self.s_tx2.val() {
            self.tx.valid.next = true;
            self.tx.eop.next = true;
            self.tx.upper_only.next = true;
            self.tx.data.next = self.wire1.low_half.val() << 32;
            if self.tx.ready.val() {
                self.state.d.next = self.s_recv.val();
            }
        } else {
            self.state.d.next = self.s_recv.val();
        }
    }
}
