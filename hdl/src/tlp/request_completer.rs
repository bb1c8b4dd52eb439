//! [`RequestCompleter`]: receives every TLP from `rx`, checks it, and answers non-posted
//! requests on `tx`. First version (issue 3 in progress):
//!
//! | received | answer |
//! |---|---|
//! | CfgRd0 / CfgWr0 to function 0 or 1 | configuration access through `cfg_*`, then CplD / Cpl (success) |
//! | CfgWr0 | also captures the bus and device number (the completer ID of later UR completions) |
//! | poisoned CfgWr0 | not applied; UR completion |
//! | configuration request to functions 2-7, type 1, IO, MRd, MRdLk | UR completion (MRd to BAR0 comes with the transport registers) |
//! | MWr, messages, completions | dropped (BAR writes, INTx and DMA completions come later) |
//! | malformed: TD set, DW count not matching the header, configuration request with length not 1 or last BE not 0 | dropped, `malformed` pulses |
//!
//! Interface: `rx`, `tx` TLP streams (docs/ARCHITECTURE.md); `cfg_*` to
//! [`ConfigSpace`](crate::tlp::ConfigSpace) (read data one cycle after the access).
//! Timing: one request at a time; `rx.ready` is low from a TLP's last beat until its
//! completion has left (three cycles plus `tx` back-pressure). Completions carry the request's
//! TC and attributes, byte count 4 and lower address 0.

use crate::common::{bits, Reg};
use crate::tlp::stream::{TlpSink, TlpSource, WireDw};
use rust_hdl::prelude::*;

const RECV: u64 = 0;
const DECIDE: u64 = 1;
const ACCESS: u64 = 2;
const TX0: u64 = 3;
const TX1: u64 = 4;

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
    /// One-cycle pulse: a malformed TLP was dropped.
    pub malformed: Signal<Out, bool>,
    /// One-cycle pulse: an Unsupported Request completion was decided.
    pub unsupported: Signal<Out, bool>,
    state: Reg<Bits<3>>,
    beats: Reg<Bits<11>>,
    b0: Reg<Bits<64>>,
    b1: Reg<Bits<64>>,
    last_upper_only: Reg<bool>,
    header: Reg<Bits<64>>,
    with_data: Reg<bool>,
    bus_device: Reg<Bits<64>>,
    read_dw: WireDw,
    fmt: Signal<Local, Bits<3>>,
    ty: Signal<Local, Bits<5>>,
    length: Signal<Local, Bits<11>>,
    dws: Signal<Local, Bits<11>>,
    length_ok: Signal<Local, bool>,
    has_data: Signal<Local, bool>,
    nonposted: Signal<Local, bool>,
    cfg_ok: Signal<Local, bool>,
    tc_attr: Signal<Local, Bits<64>>,
    cfg_completer: Signal<Local, Bits<64>>,
    s_recv: Constant<Bits<3>>,
    s_decide: Constant<Bits<3>>,
    s_access: Constant<Bits<3>>,
    s_tx0: Constant<Bits<3>>,
    s_tx1: Constant<Bits<3>>,
    one11: Constant<Bits<11>>,
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
    mask_tc_attr: Constant<Bits<64>>,
    mask_hi16: Constant<Bits<64>>,
    mask_bus_device: Constant<Bits<64>>,
    mask_requester_tag: Constant<Bits<64>>,
    cpld_header: Constant<Bits<64>>,
    cpl_header: Constant<Bits<64>>,
    ur_header: Constant<Bits<64>>,
    mask_byte: Constant<Bits<32>>,
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
            malformed: Default::default(),
            unsupported: Default::default(),
            state: Default::default(),
            beats: Default::default(),
            b0: Default::default(),
            b1: Default::default(),
            last_upper_only: Default::default(),
            header: Default::default(),
            with_data: Default::default(),
            bus_device: Default::default(),
            read_dw: Default::default(),
            fmt: Default::default(),
            ty: Default::default(),
            length: Default::default(),
            dws: Default::default(),
            length_ok: Default::default(),
            has_data: Default::default(),
            nonposted: Default::default(),
            cfg_ok: Default::default(),
            tc_attr: Default::default(),
            cfg_completer: Default::default(),
            s_recv: bits(RECV),
            s_decide: bits(DECIDE),
            s_access: bits(ACCESS),
            s_tx0: bits(TX0),
            s_tx1: bits(TX1),
            one11: bits(1),
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
            // DW0 TC (22:20), Attr[2] (18), Attr[1:0] (13:12), in the upper half of beat 0.
            mask_tc_attr: bits(0x0074_3000_0000_0000),
            mask_hi16: bits(0xffff_0000),
            mask_bus_device: bits(0xfff8_0000),
            mask_requester_tag: bits(0xffff_ff00),
            // Completion DW0 (fmt/type/length) and DW1 (status, byte count 4).
            cpld_header: bits(0x4a00_0001_0000_0004),
            cpl_header: bits(0x0a00_0000_0000_0004),
            ur_header: bits(0x0a00_0000_0000_2004),
            mask_byte: bits(0xff),
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
            last_upper_only,
            header,
            with_data,
            bus_device
        );
        self.state.reset.next = self.reset.val();
        self.beats.reset.next = self.reset.val();
        self.b0.reset.next = self.reset.val();
        self.b1.reset.next = self.reset.val();
        self.last_upper_only.reset.next = self.reset.val();
        self.header.reset.next = self.reset.val();
        self.with_data.reset.next = self.reset.val();
        self.bus_device.reset.next = self.reset.val();

        // Defaults.
        self.rx.ready.next = self.state.q.val() == self.s_recv.val();
        self.tx.valid.next = false;
        self.tx.data.next = self.header.q.val();
        self.tx.sop.next = false;
        self.tx.eop.next = false;
        self.tx.upper_only.next = false;
        self.malformed.next = false;
        self.unsupported.next = false;
        self.read_dw.register.next = self.cfg_read_data.val();

        // Decode of the captured header (meaningful in DECIDE and later).
        self.fmt.next = self.b0.q.val().get_bits::<3>(61);
        self.ty.next = self.b0.q.val().get_bits::<5>(56);
        self.has_data.next = (self.fmt.val() & self.two3.val()) == self.two3.val();
        self.length.next = self.b0.q.val().get_bits::<11>(32) & self.len_mask.val();
        if self.length.val() == self.zero11.val() {
            self.length.next = self.k1024.val();
        }
        self.dws.next = self.three11.val();
        if (self.fmt.val() & self.one3.val()) == self.one3.val() {
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
        self.cfg_ok.next = (self.length.val() == self.one11.val())
            & (self.b0.q.val().get_bits::<4>(4) == self.zero4.val())
            & ((self.fmt.val() & self.one3.val()) != self.one3.val());
        self.tc_attr.next = self.b0.q.val() & self.mask_tc_attr.val();
        self.cfg_completer.next = (self.b1.q.val() >> 32) & self.mask_hi16.val();

        // The configuration access (driven in ACCESS).
        self.cfg_valid.next = self.state.q.val() == self.s_access.val();
        self.cfg_write.next = self.has_data.val();
        self.cfg_function.next = self.b1.q.val().get_bits::<3>(48);
        self.cfg_dw.next = self.b1.q.val().get_bits::<10>(34);
        self.cfg_be.next = self.b0.q.val().get_bits::<4>(0);
        // Write data: DW3 in the low half of beat 1, wire order -> register view.
        self.cfg_wdata.next = ((self.b1.q.val().get_bits::<32>(0) & self.mask_byte.val()) << 24)
            | ((self.b1.q.val().get_bits::<32>(8) & self.mask_byte.val()) << 16)
            | ((self.b1.q.val().get_bits::<32>(16) & self.mask_byte.val()) << 8)
            | (self.b1.q.val().get_bits::<32>(24) & self.mask_byte.val());

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
                }
                if self.rx.eop.val() {
                    self.last_upper_only.d.next = self.rx.upper_only.val();
                    self.state.d.next = self.s_decide.val();
                }
            }
        } else if self.state.q.val() == self.s_decide.val() {
            self.state.d.next = self.s_recv.val();
            if self.b0.q.val().get_bit(47) | (!self.length_ok.val()) {
                self.malformed.next = true;
            } else if self.nonposted.val() {
                if ((self.ty.val() == self.ty_cfg0.val()) | (self.ty.val() == self.ty_cfg1.val()))
                    & (!self.cfg_ok.val())
                {
                    self.malformed.next = true;
                } else if (self.ty.val() == self.ty_cfg0.val())
                    & (self.b1.q.val().get_bits::<3>(48) < self.two_functions.val())
                    & (!(self.has_data.val() & self.b0.q.val().get_bit(46)))
                {
                    self.state.d.next = self.s_access.val();
                    self.with_data.d.next = !self.has_data.val();
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
                }
            }
        } else if self.state.q.val() == self.s_access.val() {
            if self.has_data.val() {
                self.bus_device.d.next = (self.b1.q.val() >> 32) & self.mask_bus_device.val();
            }
            self.state.d.next = self.s_tx0.val();
        } else if self.state.q.val() == self.s_tx0.val() {
            self.tx.valid.next = true;
            self.tx.sop.next = true;
            self.tx.data.next = self.header.q.val();
            if self.tx.ready.val() {
                self.state.d.next = self.s_tx1.val();
            }
        } else if self.state.q.val() == self.s_tx1.val() {
            self.tx.valid.next = true;
            self.tx.eop.next = true;
            self.tx.upper_only.next = !self.with_data.q.val();
            self.tx.data.next = (self.b0.q.val() & self.mask_requester_tag.val()) << 32;
            if self.with_data.q.val() {
                self.tx.data.next = ((self.b0.q.val() & self.mask_requester_tag.val()) << 32)
                    | self.read_dw.low_half.val();
            }
            if self.tx.ready.val() {
                self.state.d.next = self.s_recv.val();
            }
        } else {
            self.state.d.next = self.s_recv.val();
        }
    }
}
