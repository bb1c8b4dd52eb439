//! The host model: a root complex that talks TLPs to a Verilated card core over its `rx`/`tx`
//! streams, with everything a host does to a PCIe virtio card short of the rings (issue 4, next step).
//!
//! | module | job |
//! |---|---|
//! | [`RootComplex`] (here) | send requests beat by beat, decode every TLP the card sends, configuration and MMIO reads and writes, interrupt capture |
//! | [`link`] | the link-rate serialiser: how long each TLP occupies a Gen1 or Gen2 x1 link |
//! | [`memory`] | sparse host memory with the access checker: the card may touch only what it was given |
//! | [`dma`] | answers to the card's memory reads (latency, 64 B split, reordering, faults) and writes |
//! | [`ring`] | the driver's side of a packed virtqueue: posts buffers in every legal shape, reads and checks used descriptors, keeps the checker's regions in step |
//! | [`traffic`] | random buffers of every legal shape for the echo device, and the exact check of what came back |
//! | [`dma_client`] | the card's DMA client ports, played by the model until the queue engine takes them |
//! | [`side`] | the card's data-path and device ports, played by the model until issues 4-6 fill them |
//! | [`enumerate`] | enumeration (capability walk, BAR sizing and assignment) and the `lspci -vv`-style dump |
//! | [`virtio`] | the virtio-pci driver steps up to DRIVER_OK |
//! | [`net_driver`] | the virtio-net driver's buffers and control commands on function 0 of `virtio_card` |

pub mod device;
pub mod dma;
pub mod dma_client;
pub mod enumerate;
pub mod link;
pub mod memory;
pub mod net_driver;
pub mod ring;
pub mod side;
pub mod store;
pub mod traffic;
pub mod virtio;

use crate::mac_side::MacSide;
use crate::models::{Card, CardProxy, CardQ32k, VirtioCard, VirtioCardProxy};
use crate::tlp::{bdf, from_beats, Beat, CplStatus, Kind, Malformed, Tlp};
pub use device::Device;
pub use dma::DmaService;
pub use dma_client::DmaClient;
pub use link::{Link, LinkRate};
pub use memory::{Access, HostMemory};
pub use side::FunctionSide;
pub use store::FileStore;

/// The `virtio_card` top (the net device inside on function 0, the blk device on function 1)
/// with its storage port served by a [`FileStore`] and its frame ports by a [`MacSide`]. The
/// host model's sides, clients and devices are unused with it (but `clients[0].idle`, which
/// shows the DMA engine's `dma_idle`).
/// `M` is the Verilated top: `VirtioCard` (the tests' build) or `VirtioCardProxy` (the build
/// `cargo xtask demo` attaches to a Linux guest).
pub struct VirtioCardHost<M = VirtioCard> {
    pub m: M,
    pub store: FileStore,
    /// The net device's MAC side (frames out and in, loopback, TAP).
    pub mac: MacSide,
    /// The Ethernet link the net device sees (`net_link_up`).
    pub net_link_up: bool,
    /// Probability that the MAC side stalls the transmit port a cycle.
    pub mac_stall: f64,
    rng: rand_chacha::ChaCha8Rng,
}

impl VirtioCardHost<VirtioCard> {
    pub fn new(store: FileStore) -> Self {
        Self::with_model(VirtioCard::new(), store)
    }
}

impl VirtioCardHost<VirtioCardProxy> {
    /// The QEMU proxy build (32-bit BAR0, no MSI-X, a 16 MiB disk).
    pub fn proxy(store: FileStore) -> Self {
        Self::with_model(VirtioCardProxy::new(), store)
    }
}

impl<M> VirtioCardHost<M> {
    fn with_model(m: M, store: FileStore) -> Self {
        use rand::SeedableRng;
        VirtioCardHost {
            m,
            store,
            mac: MacSide::default(),
            net_link_up: true,
            mac_stall: 0.1,
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(0xfe77),
        }
    }
}

impl<M> std::ops::Deref for VirtioCardHost<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.m
    }
}

impl<M> std::ops::DerefMut for VirtioCardHost<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.m
    }
}

/// A Verilated card core: either build.
pub trait CardPort {
    /// Offer `beat` on `rx` (or nothing), drive `tx.ready` and the function ports from
    /// `sides`, run one clock cycle. Returns whether the offered beat was taken and the beat
    /// the card sent, if any.
    fn cycle(
        &mut self,
        beat: Option<Beat>,
        tx_ready: bool,
        sides: &mut [FunctionSide; 2],
        clients: &mut [DmaClient; 2],
        devices: &mut [Device; 2],
    ) -> (bool, Option<Beat>);
    /// Reset the card.
    fn reset_card(&mut self);
    /// Whether the card flagged a malformed TLP in this cycle (before the next edge).
    fn malformed_now(&mut self) -> bool;
}

/// Function 1's ports in [`card_port!`]: `model` when the host model plays its device (the
/// `card` tops), `blk` when the blk device is inside and only its storage port is outside
/// (`virtio_card`).
/// Function 0's ports in [`card_port!`]: `model` when the host model plays its device, `net`
/// when the net device is inside and only its frame ports are outside (`virtio_card`).
macro_rules! f0_is {
    (model, { $($m:tt)* }, { $($b:tt)* }) => { $($m)* };
    (net, { $($m:tt)* }, { $($b:tt)* }) => { $($b)* };
}

macro_rules! f1_is {
    (model, { $($m:tt)* }, { $($b:tt)* }) => { $($m)* };
    (blk, { $($m:tt)* }, { $($b:tt)* }) => { $($b)* };
}

macro_rules! card_port {
    ($t:ty, $f0:ident, $f1:ident) => {
        impl CardPort for $t {
            fn cycle(
                &mut self,
                beat: Option<Beat>,
                tx_ready: bool,
                sides: &mut [FunctionSide; 2],
                clients: &mut [DmaClient; 2],
                devices: &mut [Device; 2],
            ) -> (bool, Option<Beat>) {
                let b = beat.unwrap_or(Beat {
                    data: 0,
                    sop: false,
                    eop: false,
                    upper_only: false,
                });
                self.set_link_up(1);
                self.set_link_speed(1);
                self.set_link_width(1);
                self.set_rx_valid(beat.is_some() as u64);
                self.set_rx_data(b.data);
                self.set_rx_sop(b.sop as u64);
                self.set_rx_eop(b.eop as u64);
                self.set_rx_upper_only(b.upper_only as u64);
                self.set_tx_ready(tx_ready as u64);
                // Function ports: inputs for this cycle, then what the card shows.
                f0_is!(
                    $f0,
                    {
                        let i0 = sides[0].inputs();
                        let d0 = devices[0].inputs();
                        self.set_f0_devcfg_done(i0.devcfg_done as u64);
                        self.set_f0_devcfg_rdata(i0.devcfg_rdata as u64);
                        self.set_f0_config_changed(i0.config_changed as u64);
                        self.set_f0_needs_reset(i0.needs_reset as u64);
                        self.set_f0_queue_irq(i0.queue_irq.is_some() as u64);
                        self.set_f0_queue_irq_index(i0.queue_irq.unwrap_or(0) as u64);
                        self.set_f0_idle((i0.idle && d0.idle) as u64);
                    },
                    {
                        use rand::Rng;
                        let txf_ready = !self.rng.gen_bool(self.mac_stall);
                        let mi = self.mac.inputs(txf_ready);
                        let (rd, rn, rl) = mi.rx.unwrap_or((0, 0, false));
                        let _ = (&sides, &devices);
                        let up = self.net_link_up;
                        self.set_net_link_up(up as u64);
                        self.set_net_announce(0);
                        self.set_net_txf_ready(txf_ready as u64);
                        self.set_net_rxf_valid(mi.rx.is_some() as u64);
                        self.set_net_rxf_data(rd);
                        self.set_net_rxf_bytes(rn as u64);
                        self.set_net_rxf_last(rl as u64);
                        self.set_net_rxf_err(mi.rx_err as u64);
                    }
                );
                f1_is!(
                    $f1,
                    {
                        let i1 = sides[1].inputs();
                        let d1 = devices[1].inputs();
                        self.set_f1_devcfg_done(i1.devcfg_done as u64);
                        self.set_f1_devcfg_rdata(i1.devcfg_rdata as u64);
                        self.set_f1_config_changed(i1.config_changed as u64);
                        self.set_f1_needs_reset(i1.needs_reset as u64);
                        self.set_f1_queue_irq(i1.queue_irq.is_some() as u64);
                        self.set_f1_queue_irq_index(i1.queue_irq.unwrap_or(0) as u64);
                        self.set_f1_idle((i1.idle && d1.idle) as u64);
                    },
                    {
                        let so = self.store.outputs();
                        self.set_blk_st_req_ready(so.req_ready as u64);
                        self.set_blk_st_wr_ready(so.wr_ready as u64);
                        self.set_blk_st_rd_valid(so.rd.is_some() as u64);
                        self.set_blk_st_rd_data(so.rd.unwrap_or(0));
                        self.set_blk_st_done(so.done as u64);
                        self.set_blk_st_error(so.error as u64);
                    }
                );
                f0_is!(
                    $f0,
                    {
                        let o0 = side::Outputs {
                            devcfg: (self.f0_devcfg_valid() == 1).then(|| side::DevCfgAccess {
                                write: self.f0_devcfg_write() == 1,
                                dw: self.f0_devcfg_dw() as u16,
                                be: self.f0_devcfg_be() as u8,
                                wdata: self.f0_devcfg_wdata() as u32,
                            }),
                            resetting: self.f0_resetting() == 1,
                            queue_resetting: (self.f0_queue_resetting() == 1)
                                .then(|| self.f0_queue_reset_index() as u16),
                            notify: (self.f0_notify_valid() == 1).then(|| {
                                (self.f0_notify_queue() as u16, self.f0_notify_next() as u16)
                            }),
                        };
                    },
                    {}
                );
                f1_is!(
                    $f1,
                    {
                        let o1 = side::Outputs {
                            devcfg: (self.f1_devcfg_valid() == 1).then(|| side::DevCfgAccess {
                                write: self.f1_devcfg_write() == 1,
                                dw: self.f1_devcfg_dw() as u16,
                                be: self.f1_devcfg_be() as u8,
                                wdata: self.f1_devcfg_wdata() as u32,
                            }),
                            resetting: self.f1_resetting() == 1,
                            queue_resetting: (self.f1_queue_resetting() == 1)
                                .then(|| self.f1_queue_reset_index() as u16),
                            notify: (self.f1_notify_valid() == 1).then(|| {
                                (self.f1_notify_queue() as u16, self.f1_notify_next() as u16)
                            }),
                        };
                    },
                    {}
                );
                // The devices' DMA ports.
                f0_is!(
                    $f0,
                    {
                        let c0 = clients[0].inputs();
                        let (rf, ra, rl) = c0.rd_req.unwrap_or((0, 0, 0));
                        self.set_dma0_rd_req_valid(c0.rd_req.is_some() as u64);
                        self.set_dma0_rd_req_function(rf as u64);
                        self.set_dma0_rd_req_address(ra);
                        self.set_dma0_rd_req_length(rl as u64);
                        self.set_dma0_rd_ready(c0.rd_ready as u64);
                        let (wf, wa, wl) = c0.wr_req.unwrap_or((0, 0, 0));
                        self.set_dma0_wr_req_valid(c0.wr_req.is_some() as u64);
                        self.set_dma0_wr_req_function(wf as u64);
                        self.set_dma0_wr_req_address(wa);
                        self.set_dma0_wr_req_length(wl as u64);
                        self.set_dma0_wr_valid(c0.wr_beat.is_some() as u64);
                        self.set_dma0_wr_data(c0.wr_beat.unwrap_or(0));
                        let co0 = dma_client::ClientOutputs {
                            rd_req_ready: self.dma0_rd_req_ready() == 1,
                            rd_beat: (self.dma0_rd_valid() == 1).then(|| {
                                (
                                    self.dma0_rd_data(),
                                    self.dma0_rd_last() == 1,
                                    self.dma0_rd_error() == 1,
                                )
                            }),
                            wr_req_ready: self.dma0_wr_req_ready() == 1,
                            wr_ready: self.dma0_wr_ready() == 1,
                            wr_done: self.dma0_wr_done() == 1,
                            wr_error: self.dma0_wr_error() == 1,
                            unexpected: self.dma_unexpected() == 1,
                            timeout: self.dma_timeout() == 1,
                            idle: self.dma_idle() == 1,
                        };
                    },
                    {}
                );
                f1_is!(
                    $f1,
                    {
                        let c1 = clients[1].inputs();
                        let (rf, ra, rl) = c1.rd_req.unwrap_or((0, 0, 0));
                        self.set_dma1_rd_req_valid(c1.rd_req.is_some() as u64);
                        self.set_dma1_rd_req_function(rf as u64);
                        self.set_dma1_rd_req_address(ra);
                        self.set_dma1_rd_req_length(rl as u64);
                        self.set_dma1_rd_ready(c1.rd_ready as u64);
                        let (wf, wa, wl) = c1.wr_req.unwrap_or((0, 0, 0));
                        self.set_dma1_wr_req_valid(c1.wr_req.is_some() as u64);
                        self.set_dma1_wr_req_function(wf as u64);
                        self.set_dma1_wr_req_address(wa);
                        self.set_dma1_wr_req_length(wl as u64);
                        self.set_dma1_wr_valid(c1.wr_beat.is_some() as u64);
                        self.set_dma1_wr_data(c1.wr_beat.unwrap_or(0));
                        let co1 = dma_client::ClientOutputs {
                            rd_req_ready: self.dma1_rd_req_ready() == 1,
                            rd_beat: (self.dma1_rd_valid() == 1).then(|| {
                                (
                                    self.dma1_rd_data(),
                                    self.dma1_rd_last() == 1,
                                    self.dma1_rd_error() == 1,
                                )
                            }),
                            wr_req_ready: self.dma1_wr_req_ready() == 1,
                            wr_ready: self.dma1_wr_ready() == 1,
                            wr_done: self.dma1_wr_done() == 1,
                            wr_error: self.dma1_wr_error() == 1,
                            unexpected: self.dma_unexpected() == 1,
                            timeout: self.dma_timeout() == 1,
                            idle: self.dma_idle() == 1,
                        };
                    },
                    {}
                );
                // The devices' buffer and completion ports.
                f0_is!(
                    $f0,
                    {
                        let (dq, dt, dl, dm) = d0.done.unwrap_or((0, 0, 0, false));
                        self.set_f0_seg_ready(d0.seg_ready as u64);
                        self.set_f0_done_valid(d0.done.is_some() as u64);
                        self.set_f0_done_queue(dq as u64);
                        self.set_f0_done_token(dt as u64);
                        self.set_f0_done_len(dl as u64);
                        self.set_f0_done_more(dm as u64);
                        let do0 = device::DeviceOutputs {
                            seg: (self.f0_seg_valid() == 1).then(|| {
                                (
                                    self.f0_seg_queue() as u16,
                                    self.f0_seg_token(),
                                    device::Seg {
                                        addr: self.f0_seg_addr(),
                                        len: self.f0_seg_len() as u32,
                                        write: self.f0_seg_write() == 1,
                                    },
                                    self.f0_seg_last() == 1,
                                )
                            }),
                            done_ready: self.f0_done_ready() == 1,
                        };
                    },
                    {
                        let mac_rxf_ready = self.net_rxf_ready() == 1;
                        let mac_tx = (self.net_txf_valid() == 1).then(|| {
                            (
                                self.net_txf_data(),
                                self.net_txf_bytes() as usize,
                                self.net_txf_last() == 1,
                            )
                        });
                    }
                );
                f1_is!(
                    $f1,
                    {
                        let (dq, dt, dl, dm) = d1.done.unwrap_or((0, 0, 0, false));
                        self.set_f1_seg_ready(d1.seg_ready as u64);
                        self.set_f1_done_valid(d1.done.is_some() as u64);
                        self.set_f1_done_queue(dq as u64);
                        self.set_f1_done_token(dt as u64);
                        self.set_f1_done_len(dl as u64);
                        self.set_f1_done_more(dm as u64);
                        let do1 = device::DeviceOutputs {
                            seg: (self.f1_seg_valid() == 1).then(|| {
                                (
                                    self.f1_seg_queue() as u16,
                                    self.f1_seg_token(),
                                    device::Seg {
                                        addr: self.f1_seg_addr(),
                                        len: self.f1_seg_len() as u32,
                                        write: self.f1_seg_write() == 1,
                                    },
                                    self.f1_seg_last() == 1,
                                )
                            }),
                            done_ready: self.f1_done_ready() == 1,
                        };
                    },
                    {
                        let si = store::StoreInputs {
                            req: (self.blk_st_req_valid() == 1).then(|| {
                                (
                                    self.blk_st_req_op() as u8,
                                    self.blk_st_req_sector(),
                                    self.blk_st_req_count() as u32,
                                )
                            }),
                            wr: (self.blk_st_wr_valid() == 1).then(|| self.blk_st_wr_data()),
                            rd_ready: self.blk_st_rd_ready() == 1,
                        };
                    }
                );
                let taken = beat.is_some() && self.rx_ready() == 1;
                let sent = (tx_ready && self.tx_valid() == 1).then(|| Beat {
                    data: self.tx_data(),
                    sop: self.tx_sop() == 1,
                    eop: self.tx_eop() == 1,
                    upper_only: self.tx_upper_only() == 1,
                });
                let dma_idle = self.dma_idle() == 1;
                self.tick(1);
                f0_is!(
                    $f0,
                    {
                        let _ = dma_idle;
                        sides[0].observe(o0);
                        clients[0].observe(&c0, co0);
                        devices[0].observe(&d0, do0);
                        devices[0].step(&mut clients[0]);
                    },
                    {
                        self.mac.observe(&mi, mac_rxf_ready, mac_tx);
                        clients[0].idle = dma_idle;
                    }
                );
                f1_is!(
                    $f1,
                    {
                        sides[1].observe(o1);
                        clients[1].observe(&c1, co1);
                        devices[1].observe(&d1, do1);
                        devices[1].step(&mut clients[1]);
                    },
                    {
                        self.store.observe(si);
                    }
                );
                (taken, sent)
            }
            fn reset_card(&mut self) {
                self.set_link_up(1);
                self.reset(2);
            }
            fn malformed_now(&mut self) -> bool {
                self.malformed() == 1
            }
        }
    };
}
card_port!(Card, model, model);
card_port!(CardProxy, model, model);
card_port!(CardQ32k, model, model);
card_port!(VirtioCardHost<VirtioCard>, net, blk);
card_port!(VirtioCardHost<VirtioCardProxy>, net, blk);

/// What came back for one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// A completion for the request's tag.
    Completion(Tlp),
    /// Nothing within the time limit (right for posted and dropped requests).
    Nothing,
}

/// An interrupt the card sent, as the root complex saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interrupt {
    /// An MSI-X memory write: its address and data (register view).
    Msi { address: u64, data: u32, from: u16 },
    /// An INTx message: the pin (0 = INTA) and whether it asserts.
    Intx { pin: u8, assert: bool, from: u16 },
}

/// A root complex at bus 0, device 0, function 0, with the card below it on bus 1.
pub struct RootComplex<C: CardPort> {
    pub card: C,
    pub requester: u16,
    pub card_bus: u8,
    next_tag: u8,
    /// Every TLP the card sent, in order.
    pub received: Vec<Tlp>,
    /// Every interrupt the card sent, in order.
    pub interrupts: Vec<Interrupt>,
    /// The INTx virtual wires (INTA..INTD) as the messages left them.
    pub intx: [bool; 4],
    /// Malformed pulses seen.
    pub malformed: usize,
    /// Cycles a beat was offered on `rx` and not taken (the card's back-pressure).
    pub rx_stall_cycles: u64,
    /// Cycles to wait for a completion before answering [`Answer::Nothing`].
    pub timeout: u64,
    /// The card's data-path and device ports of each function.
    pub sides: [FunctionSide; 2],
    /// The link both directions are serialised on.
    pub link: Link,
    /// Core clock cycles run so far.
    pub cycle: u64,
    /// First cycle at which the next TLP to the card may start (link busy until then).
    rx_free_at: u64,
    /// Cycle until which the link toward the host is busy with the card's last TLP.
    tx_free_at: u64,
    /// Cycle of the first beat of the TLP the card is sending.
    tx_sop_at: u64,
    /// BAR0 address of each function, once assigned ([`RootComplex::enumerate`] or by hand).
    pub bar0: [Option<u64>; 2],
    pending: Vec<Beat>,
    /// Host memory the card's DMA reads and writes, with its access checker.
    pub memory: HostMemory,
    /// How the root complex answers the card's memory requests.
    pub dma: DmaService,
    /// The devices' DMA ports (`dma0`, `dma1`), played by the model.
    pub clients: [DmaClient; 2],
    /// The devices of both functions, played by the model (by hand or as echo devices).
    pub devices: [Device; 2],
    /// The driver's rings of each function, as `virtio_init` set them up.
    pub rings: [Vec<ring::DriverRing>; 2],
    /// The TLP being sent to the card from the answer queue, and the next beat of it.
    answering: Option<(Vec<Beat>, usize)>,
}

impl<C: CardPort> RootComplex<C> {
    pub fn new(mut card: C) -> Self {
        card.reset_card();
        RootComplex {
            card,
            requester: bdf(0, 0, 0),
            card_bus: 1,
            next_tag: 0,
            received: Vec::new(),
            interrupts: Vec::new(),
            intx: [false; 4],
            malformed: 0,
            rx_stall_cycles: 0,
            timeout: 256,
            sides: [FunctionSide::default(), FunctionSide::default()],
            link: Link::unlimited(),
            cycle: 0,
            rx_free_at: 0,
            tx_free_at: 0,
            tx_sop_at: 0,
            bar0: [None, None],
            pending: Vec::new(),
            memory: HostMemory::default(),
            dma: DmaService::default(),
            clients: [DmaClient::default(), DmaClient::default()],
            devices: [Device::for_function(0), Device::for_function(1)],
            rings: [Vec::new(), Vec::new()],
            answering: None,
        }
    }

    /// The same with TLPs serialised at `link`'s rate in both directions.
    pub fn with_link(card: C, link: Link) -> Self {
        let mut rc = Self::new(card);
        rc.link = link;
        rc
    }

    pub fn tag(&mut self) -> u8 {
        self.next_tag = self.next_tag.wrapping_add(1);
        self.next_tag
    }

    /// One clock cycle: offer `beat`, collect what the card sends. Returns whether the beat
    /// was taken.
    pub fn step(&mut self, beat: Option<Beat>) -> Result<bool, Malformed> {
        if self.card.malformed_now() {
            self.malformed += 1;
        }
        let tx_ready = self.cycle >= self.tx_free_at;
        // With nothing of the caller's to send, send the next due answer to a DMA read.
        let mut beat = beat;
        let mut answer_beat = false;
        if beat.is_none() {
            if self.answering.is_none() && self.cycle >= self.rx_free_at {
                if let Some(dws) = self.dma.next_due(self.cycle) {
                    self.rx_free_at = self.cycle + self.link.cycles(dws.len());
                    self.answering = Some((crate::tlp::to_beats(&dws), 0));
                }
            }
            if let Some((b, k)) = &self.answering {
                beat = Some(b[*k]);
                answer_beat = true;
            }
        }
        let (taken, sent) = self.card.cycle(
            beat,
            tx_ready,
            &mut self.sides,
            &mut self.clients,
            &mut self.devices,
        );
        self.cycle += 1;
        if answer_beat && taken {
            let (b, k) = self.answering.as_mut().unwrap();
            *k += 1;
            if *k == b.len() {
                self.answering = None;
            }
        }
        let taken = taken && !answer_beat;
        if let Some(b) = sent {
            if b.sop {
                // The link starts sending a TLP with its first beat (the data link layer
                // buffers it), so its wire time runs from here, not from its last beat.
                self.tx_sop_at = self.cycle - 1;
            }
            self.pending.push(b);
            if b.eop {
                let dws = from_beats(&self.pending);
                self.pending.clear();
                self.tx_free_at = (self.tx_sop_at + self.link.cycles(dws.len())).max(self.cycle);
                let tlp = Tlp::decode(&dws)?;
                if !self.dma.take(&tlp, self.cycle, &mut self.memory) {
                    self.capture_interrupt(&tlp);
                }
                self.received.push(tlp);
            }
        }
        Ok(taken)
    }

    /// Run `n` idle cycles.
    pub fn idle(&mut self, n: u64) {
        for _ in 0..n {
            self.step(None)
                .unwrap_or_else(|e| panic!("the card sent a malformed TLP: {e}"));
        }
    }

    fn capture_interrupt(&mut self, t: &Tlp) {
        match t.kind {
            Kind::MemWrite { address } if t.length == 1 && t.first_be == 0xf => {
                self.interrupts.push(Interrupt::Msi {
                    address,
                    data: t.data[0].swap_bytes(),
                    from: t.requester,
                });
            }
            Kind::Message { code, .. } if (0x20..=0x27).contains(&code) => {
                let pin = code & 3;
                let assert = code < 0x24;
                self.intx[pin as usize] = assert;
                self.interrupts.push(Interrupt::Intx {
                    pin,
                    assert,
                    from: t.requester,
                });
            }
            _ => {}
        }
    }

    /// Send raw DWs (possibly malformed), paced by the link, and wait for a completion with
    /// `tag`.
    pub fn transact_dws(&mut self, dws: &[u32], tag: u8) -> Result<Answer, Malformed> {
        let before = self.received.len();
        self.send_dws(dws)?;
        for _ in 0..self.timeout {
            if let Some(t) = self.received[before..].iter().find(|t| {
                matches!(t.kind, Kind::Completion { .. })
                    && t.tag == tag
                    && t.requester == self.requester
            }) {
                return Ok(Answer::Completion(t.clone()));
            }
            self.step(None)?;
        }
        Ok(Answer::Nothing)
    }

    /// Send raw DWs as one TLP, paced by the link, without waiting for anything.
    pub fn send_dws(&mut self, dws: &[u32]) -> Result<(), Malformed> {
        while self.cycle < self.rx_free_at || self.answering.is_some() {
            self.step(None)?;
        }
        self.rx_free_at = self.cycle + self.link.cycles(dws.len());
        for beat in crate::tlp::to_beats(dws) {
            let mut guard = 0;
            while !self.step(Some(beat))? {
                self.rx_stall_cycles += 1;
                guard += 1;
                assert!(guard < 1000, "the card never took the beat");
            }
        }
        Ok(())
    }

    /// Send a TLP and wait for its completion.
    pub fn transact(&mut self, tlp: &Tlp) -> Answer {
        self.transact_dws(&tlp.encode(), tlp.tag)
            .unwrap_or_else(|e| panic!("the card sent a malformed TLP: {e}"))
    }

    /// Send a posted TLP and let the card settle.
    pub fn post(&mut self, tlp: &Tlp) {
        let saved = self.timeout;
        self.timeout = 8;
        let answer = self.transact(tlp);
        self.timeout = saved;
        assert_eq!(answer, Answer::Nothing, "a posted request was completed");
    }

    pub fn target(&self, function: u8) -> u16 {
        bdf(self.card_bus, 0, function)
    }

    /// Configuration read of register DW `register` of `function`: the register view.
    pub fn cfg_read(&mut self, function: u8, register: u16) -> Result<u32, CplStatus> {
        let tag = self.tag();
        let req = Tlp::cfg_read(self.requester, tag, self.target(function), register, 0xf);
        match self.transact(&req) {
            Answer::Completion(c) => match c.kind {
                Kind::Completion {
                    status: CplStatus::Success,
                    with_data: true,
                    ..
                } => Ok(c.data[0].swap_bytes()),
                Kind::Completion { status, .. } => Err(status),
                _ => unreachable!(),
            },
            Answer::Nothing => panic!("no completion for a configuration read"),
        }
    }

    /// Configuration write (register view) with byte enables.
    pub fn cfg_write(
        &mut self,
        function: u8,
        register: u16,
        be: u8,
        value: u32,
    ) -> Result<(), CplStatus> {
        let tag = self.tag();
        let req = Tlp::cfg_write(
            self.requester,
            tag,
            self.target(function),
            register,
            be,
            value,
        );
        match self.transact(&req) {
            Answer::Completion(c) => match c.kind {
                Kind::Completion {
                    status: CplStatus::Success,
                    with_data: false,
                    ..
                } => Ok(()),
                Kind::Completion { status, .. } => Err(status),
                _ => unreachable!(),
            },
            Answer::Nothing => panic!("no completion for a configuration write"),
        }
    }

    /// Configuration read of `size` bytes (1, 2, 4) at byte `offset`, as Linux's
    /// `pci_read_config_*` does it (byte enables for the bytes read).
    pub fn cfg_read_bytes(&mut self, function: u8, offset: u16, size: u8) -> u32 {
        let v = self
            .cfg_read(function, offset / 4)
            .expect("configuration read");
        let shift = 8 * (offset % 4) as u32;
        let mask = if size == 4 {
            u32::MAX
        } else {
            (1u32 << (8 * size as u32)) - 1
        };
        (v >> shift) & mask
    }

    fn bar(&self, function: u8) -> u64 {
        self.bar0[function as usize]
            .unwrap_or_else(|| panic!("BAR0 of function {function} is not assigned"))
    }

    /// Memory read of `size` bytes (1, 2, 4 or 8, naturally aligned) at `offset` in BAR0 of
    /// `function`, checked against the rules for its completion. The little-endian value.
    pub fn mmio_read(&mut self, function: u8, offset: u32, size: u8) -> Result<u64, CplStatus> {
        let address = self.bar(function) + offset as u64;
        self.mem_read(address, size)
    }

    /// Memory read at any address (see [`RootComplex::mmio_read`]).
    pub fn mem_read(&mut self, address: u64, size: u8) -> Result<u64, CplStatus> {
        assert!(matches!(size, 1 | 2 | 4 | 8) && address.is_multiple_of(size as u64));
        let tag = self.tag();
        let start = (address % 4) as u8;
        let (length, first_be, last_be) = if size == 8 {
            (2, 0xf, 0xf)
        } else {
            (1, (((1u16 << size) - 1) << start) as u8, 0)
        };
        let req = Tlp::mem_read(self.requester, tag, address & !3, length, first_be, last_be);
        match self.transact(&req) {
            Answer::Completion(c) => match c.kind {
                Kind::Completion {
                    status: CplStatus::Success,
                    with_data: true,
                    byte_count,
                    lower_address,
                    ..
                } => {
                    assert_eq!(byte_count as u8, size, "completion byte count");
                    assert_eq!(
                        lower_address as u64,
                        address & 0x7f,
                        "completion lower address"
                    );
                    assert_eq!(c.length, length, "completion length");
                    let mut bytes = Vec::new();
                    for dw in &c.data {
                        bytes.extend_from_slice(&dw.to_be_bytes());
                    }
                    let mut v = 0u64;
                    for k in 0..size as usize {
                        v |= (bytes[start as usize + k] as u64) << (8 * k);
                    }
                    Ok(v)
                }
                Kind::Completion { status, .. } => Err(status),
                _ => unreachable!(),
            },
            Answer::Nothing => panic!("no completion for a memory read at {address:#x}"),
        }
    }

    /// Memory write of `size` bytes (1, 2, 4 or 8) of `value` at `offset` in BAR0.
    pub fn mmio_write(&mut self, function: u8, offset: u32, size: u8, value: u64) {
        let address = self.bar(function) + offset as u64;
        self.mem_write(address, size, value);
    }

    /// Memory write at any address.
    pub fn mem_write(&mut self, address: u64, size: u8, value: u64) {
        let bytes = value.to_le_bytes();
        let mut t = Tlp::mem_write(self.requester, address, &bytes[..size as usize]);
        t.tag = self.tag();
        self.post(&t);
    }

    /// Run until `done` holds or `limit` cycles pass; returns whether it held.
    pub fn run_until(&mut self, limit: u64, mut done: impl FnMut(&Self) -> bool) -> bool {
        for _ in 0..limit {
            if done(self) {
                return true;
            }
            self.step(None)
                .unwrap_or_else(|e| panic!("the card sent a malformed TLP: {e}"));
        }
        done(self)
    }
}
