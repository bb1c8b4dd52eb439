//! The bridge's event loop: QEMU's proxy messages for both functions become TLPs into the
//! Verilated `virtio_card_proxy`, the card's DMA is served from the guest's RAM through the
//! [`Checker`], its frames go to a TAP interface, and its INTx messages become interrupts.
//!
//! | QEMU sends | the card sees | QEMU gets back |
//! |---|---|---|
//! | PCI_CFGREAD `{addr, len}` on function f's socket | CfgRd0 of the DW, byte enables for `len` bytes | the bytes (all ones on UR/CA) |
//! | PCI_CFGWRITE | CfgWr0 with byte enables | RET 0 after the completion |
//! | BAR_READ `{addr, size}` (absolute address) | MRd of `size` bytes at `addr` | the value (all ones on UR/CA) |
//! | BAR_WRITE | MWr (posted), then a few cycles to settle | RET 0 |
//! | DEVICE_RESET | the card's reset (a machine reset: both functions send one) | RET 0 |
//! | SYNC_SYSMEM | - ([`GuestRam`] maps the regions) | - |
//!
//! **Interrupts.** The card's `Assert_INTx` message makes the bridge write one byte to that
//! pin's kick socket: a QEMU `pci-serial` shares the pin's interrupt line (on the `pc`
//! machine, PIIX routes slot s's pin p to link `(p + s - 1) mod 4`: INTA of slots 3 and 7
//! meet at LNKC, INTB of slot 3 and INTA of slot 4 at LNKD), so the guest's shared handler
//! runs and virtio's handler reads (and so clears) the card's ISR, which sends
//! `Deassert_INTx` (`../shared/notes/host-attach.md`).
//! Function 0 (net) raises INTA, function 1 (blk) INTB. A line still asserted 20 ms later is
//! kicked again.
//!
//! **Time.** The card's clock runs while anything is in flight (a TLP, a DMA answer, a frame)
//! and for [`QUIET_CYCLES`] after; then the loop sleeps in `poll` on the sockets and the TAP
//! until QEMU or the network has something. Simulated time therefore stops while the guest
//! computes: cycles count work, not wall time.

use super::guest_ram::GuestRam;
use super::mpqemu::{self, Msg};
use super::posted::{Checker, Ring, Rings};
use crate::host::{CardPort, Interrupt, RootComplex, VirtioCardHost};
use crate::models::VirtioCardProxy;
use std::cell::RefCell;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Cycles the clock keeps running after the last sign of work.
pub const QUIET_CYCLES: u64 = 2_000;

/// Offsets in BAR0 of the virtio structures, from the card's capability list.
#[derive(Clone, Copy, Debug, Default)]
pub struct Layout {
    pub common: u64,
    pub notify: u64,
    pub notify_len: u64,
}

/// Counters of one run, for the report.
#[derive(Clone, Debug, Default)]
pub struct Counters {
    pub cfg_reads: u64,
    pub cfg_writes: u64,
    pub bar_reads: u64,
    pub bar_writes: u64,
    pub resets: u64,
    pub sysmem_syncs: u64,
    pub intx_asserts: [u64; 2],
    pub kicks: u64,
    pub frames_to_tap: u64,
    pub frames_from_tap: u64,
    pub dma_read_bytes: u64,
    pub dma_write_bytes: u64,
    pub dma_reads: u64,
    pub dma_writes: u64,
    pub cycles: u64,
    pub error_completions: u64,
    /// Wall time spent waiting in `poll` for QEMU or the network (the rest is the bridge and
    /// the simulation).
    pub waiting: Duration,
    /// The checker's work: accesses allowed, ring scans, buffers seen posted and retired.
    pub checked: u64,
    pub scans: u64,
    pub posted: u64,
    pub retired: u64,
}

pub type Card = RootComplex<VirtioCardHost<VirtioCardProxy>>;

pub struct Bridge {
    pub rc: Card,
    /// Function 0's and function 1's proxy sockets.
    socks: [UnixStream; 2],
    /// The kick sockets of INTA and INTB.
    kicks: [UnixStream; 2],
    ram: GuestRam,
    pub rings: Rc<RefCell<Rings>>,
    layout: [Layout; 2],
    pub counters: Counters,
    /// Accesses traced to the bridge log (the first [`Bridge::trace_limit`]).
    trace: Box<dyn Write>,
    traced: u64,
    pub trace_limit: u64,
    last_work: u64,
    intx_since: [Option<Instant>; 2],
    seen_interrupts: usize,
}

impl Bridge {
    pub fn new(
        mut rc: Card,
        socks: [UnixStream; 2],
        kicks: [UnixStream; 2],
        trace: Box<dyn Write>,
    ) -> Self {
        let rings = Rc::new(RefCell::new(Rings::default()));
        rc.memory.lenient = true;
        rc.memory.policy = Some(Box::new(Checker(rings.clone())));
        // QEMU's vCPU waits for every answer; the card may be busy with DMA first.
        rc.timeout = 100_000;
        for k in &kicks {
            k.set_nonblocking(true).ok();
        }
        Bridge {
            rc,
            socks,
            kicks,
            ram: GuestRam::default(),
            rings,
            layout: [Layout::default(); 2],
            counters: Counters::default(),
            trace,
            traced: 0,
            trace_limit: 20_000,
            last_work: 0,
            intx_since: [None, None],
            seen_interrupts: 0,
        }
    }

    fn log(&mut self, line: std::fmt::Arguments) {
        if self.traced < self.trace_limit {
            let _ = writeln!(self.trace, "{:>12} {line}", self.rc.cycle);
            self.traced += 1;
            if self.traced == self.trace_limit {
                let _ = writeln!(
                    self.trace,
                    "(trace limit reached: later accesses are counted, not traced)"
                );
            }
        }
    }

    /// Walk both functions' capability lists for the virtio structures' places in BAR0.
    pub fn read_layout(&mut self) {
        for f in 0..2u8 {
            let mut l = Layout::default();
            let mut p = (self.cfg(f, 0x34, 1) & 0xfc) as u16;
            let mut guard = 0;
            while p != 0 && guard < 48 {
                let head = self.cfg(f, p, 4);
                if head & 0xff == 0x09 {
                    let cfg_type = (head >> 24) & 0xff;
                    let offset = self.cfg(f, p + 8, 4) as u64;
                    let length = self.cfg(f, p + 12, 4) as u64;
                    match cfg_type {
                        1 => l.common = offset,
                        2 => {
                            l.notify = offset;
                            l.notify_len = length;
                        }
                        _ => {}
                    }
                }
                p = ((head >> 8) & 0xfc) as u16;
                guard += 1;
            }
            self.log(format_args!("function {f}: {l:x?}"));
            self.layout[f as usize] = l;
        }
    }

    /// Configuration read of `len` bytes at `addr` (all ones when the card refuses).
    fn cfg(&mut self, f: u8, addr: u16, len: u32) -> u32 {
        match self.rc.cfg_read(f, addr / 4) {
            Ok(v) => {
                let v = v >> (8 * (addr % 4) as u32);
                if len >= 4 {
                    v
                } else {
                    v & ((1u32 << (8 * len)) - 1)
                }
            }
            Err(_) => {
                self.counters.error_completions += 1;
                u32::MAX
            }
        }
    }

    fn bar0(&mut self, f: u8) -> u64 {
        let v = if f == 0 {
            self.rc.card.f0_bar0()
        } else {
            self.rc.card.f1_bar0()
        };
        v & !0xf
    }

    /// Handle one message from function `f`'s socket.
    fn serve(&mut self, f: u8) -> std::io::Result<()> {
        let msg = mpqemu::recv(&mut self.socks[f as usize])?;
        self.last_work = self.rc.cycle;
        match msg {
            Msg::SyncSysmem(regions) => {
                self.counters.sysmem_syncs += 1;
                self.ram.sync(regions, &mut self.rc.memory)?;
                let r = self.ram.regions();
                self.log(format_args!("f{f} SYNC_SYSMEM {r:x?}"));
            }
            Msg::SetIrqfd(fds) => {
                // Only KVM reads these; under TCG the kick socket carries interrupts.
                self.log(format_args!(
                    "f{f} SET_IRQFD ({} fds, unused under TCG)",
                    fds.len()
                ));
            }
            Msg::DeviceReset => {
                self.counters.resets += 1;
                // A machine reset: QEMU resets its copy of the configuration space too, and
                // the firmware programs the BARs again, so the whole card starts over.
                self.rc.card.reset_card();
                self.rings.borrow_mut().reset_function(0);
                self.rings.borrow_mut().reset_function(1);
                self.log(format_args!("f{f} DEVICE_RESET: card reset"));
                mpqemu::ret(&mut self.socks[f as usize], 0)?;
            }
            Msg::CfgRead { addr, len } => {
                self.counters.cfg_reads += 1;
                let v = self.cfg(f, addr as u16, len);
                self.log(format_args!("f{f} cfg read  {addr:#05x}/{len} = {v:#x}"));
                mpqemu::ret(&mut self.socks[f as usize], v as u64)?;
            }
            Msg::CfgWrite { addr, val, len } => {
                self.counters.cfg_writes += 1;
                let shift = addr % 4;
                let be = (((1u32 << len.min(4)) - 1) << shift) as u8;
                let r = self
                    .rc
                    .cfg_write(f, (addr / 4) as u16, be, val << (8 * shift));
                if r.is_err() {
                    self.counters.error_completions += 1;
                }
                self.log(format_args!(
                    "f{f} cfg write {addr:#05x}/{len} = {val:#x} {r:?}"
                ));
                mpqemu::ret(&mut self.socks[f as usize], 0)?;
            }
            Msg::BarRead { addr, size, memory } => {
                self.counters.bar_reads += 1;
                let v = if memory && matches!(size, 1 | 2 | 4 | 8) && addr % size as u64 == 0 {
                    match self.rc.mem_read(addr, size as u8) {
                        Ok(v) => v,
                        Err(s) => {
                            self.counters.error_completions += 1;
                            self.log(format_args!("f{f} MRd {addr:#x}: {s:?}"));
                            u64::MAX
                        }
                    }
                } else {
                    u64::MAX
                };
                self.log(format_args!("f{f} bar read  {addr:#x}/{size} = {v:#x}"));
                mpqemu::ret(&mut self.socks[f as usize], v)?;
            }
            Msg::BarWrite {
                addr,
                val,
                size,
                memory,
            } => {
                self.counters.bar_writes += 1;
                if memory && matches!(size, 1 | 2 | 4 | 8) && addr % size as u64 == 0 {
                    self.rc.mem_write(addr, size as u8, val);
                    self.snoop(f, addr, size, val);
                }
                self.log(format_args!("f{f} bar write {addr:#x}/{size} = {val:#x}"));
                mpqemu::ret(&mut self.socks[f as usize], 0)?;
            }
            Msg::Other(c) => {
                self.log(format_args!("f{f} unknown proxy command {c}: RET 0"));
                mpqemu::ret(&mut self.socks[f as usize], 0)?;
            }
        }
        Ok(())
    }

    fn mmio(&mut self, f: u8, offset: u64, size: u8) -> u64 {
        let a = self.bar0(f) + offset;
        self.rc.mem_read(a, size).unwrap_or(u64::MAX)
    }

    /// Keep the checker's picture of the rings in step with the driver's register writes.
    fn snoop(&mut self, f: u8, addr: u64, _size: u32, val: u64) {
        let l = self.layout[f as usize];
        let off = addr.wrapping_sub(self.bar0(f));
        let c = l.common;
        if off == c + 0x14 && val & 0xff == 0 {
            self.rings.borrow_mut().reset_function(f);
        } else if off == c + 0x1c && val & 0xffff == 1 {
            let q = self.mmio(f, c + 0x16, 2) as u16;
            let ring = Ring {
                size: self.mmio(f, c + 0x18, 2) as u16,
                desc: self.mmio(f, c + 0x20, 8),
                driver: self.mmio(f, c + 0x28, 8),
                device: self.mmio(f, c + 0x30, 8),
            };
            self.log(format_args!("f{f} queue {q} enabled: {ring:x?}"));
            self.rings.borrow_mut().enable(f, q, ring);
        } else if off == c + 0x3a && val & 0xffff == 1 {
            let q = self.mmio(f, c + 0x16, 2) as u16;
            self.rings.borrow_mut().reset_queue(f, q);
        } else if off >= l.notify && off < l.notify + l.notify_len.max(4) {
            // The doorbell's value starts with the queue's index (with or without
            // notification data, PCI-19).
            self.rings.borrow_mut().scan(&self.rc.memory, f, val as u16);
        }
    }

    /// Run the card `n` cycles, then pass on interrupts and frames.
    fn run(&mut self, n: u64) {
        let before = (
            self.rc.received.len(),
            self.rc.card.mac.frames_out,
            self.rc.card.mac.frames_in,
        );
        self.rc.idle(n);
        let worked = self.rc.received.len() != before.0
            || self.rc.card.mac.frames_out != before.1
            || self.rc.card.mac.frames_in != before.2
            || self.rc.card.mac.rx_waiting() > 0
            || !self.rc.clients[0].idle;
        if worked {
            self.last_work = self.rc.cycle;
        }
        self.housekeeping();
    }

    fn housekeeping(&mut self) {
        let mut fresh = [false; 2];
        for i in &self.rc.interrupts[self.seen_interrupts..] {
            if let Interrupt::Intx {
                pin,
                assert: true,
                from,
            } = i
            {
                self.counters.intx_asserts[(*from & 7) as usize & 1] += 1;
                fresh[*pin as usize & 1] = true;
            }
        }
        self.seen_interrupts = self.rc.interrupts.len();
        for (pin, fresh) in fresh.into_iter().enumerate() {
            let asserted = self.rc.intx[pin];
            let stale =
                self.intx_since[pin].is_some_and(|t| t.elapsed() > Duration::from_millis(20));
            if asserted && (fresh || stale || self.intx_since[pin].is_none()) {
                if self.kicks[pin].write(b"!").is_ok() {
                    self.counters.kicks += 1;
                }
                self.intx_since[pin] = Some(Instant::now());
            }
            if !asserted {
                self.intx_since[pin] = None;
            }
        }
        // Forget what only the tests need, so a long run keeps its memory.
        if self.rc.received.len() > 4096 {
            self.rc.received.clear();
        }
        if self.rc.interrupts.len() > 4096 {
            self.rc.interrupts.clear();
            self.seen_interrupts = 0;
        }
        for (_, _, _, len) in self.rc.dma.reads.drain(..) {
            self.counters.dma_reads += 1;
            self.counters.dma_read_bytes += len;
        }
        for (_, _, len) in self.rc.dma.writes.drain(..) {
            self.counters.dma_writes += 1;
            self.counters.dma_write_bytes += len;
        }
        self.rc.dma.answered.clear();
        self.rc.card.mac.sent.clear();
        self.counters.frames_to_tap = self.rc.card.mac.frames_out;
        self.counters.frames_from_tap = self.rc.card.mac.frames_in;
        self.counters.cycles = self.rc.cycle;
        let r = self.rings.borrow();
        self.counters.checked = r.allowed;
        self.counters.scans = r.scans;
        self.counters.posted = r.posted;
        self.counters.retired = r.retired;
    }

    /// Serve until `stop` says so (checked between batches) or a socket closes.
    /// Returns why it stopped.
    pub fn serve_until(&mut self, mut stop: impl FnMut(&Bridge) -> bool) -> String {
        loop {
            if stop(self) {
                return "stopped".into();
            }
            for f in 0..2u8 {
                let mut n = 0;
                while mpqemu::readable(&self.socks[f as usize]) && n < 64 {
                    if let Err(e) = self.serve(f) {
                        return format!("function {f}'s proxy socket: {e}");
                    }
                    n += 1;
                }
            }
            self.run(256);
            if self.rc.cycle - self.last_work > QUIET_CYCLES {
                self.sleep(Duration::from_millis(5));
            }
        }
    }

    /// Wait for QEMU or the network (or `timeout`).
    fn sleep(&mut self, timeout: Duration) {
        let mut fds: Vec<libc::pollfd> = self
            .socks
            .iter()
            .map(|s| s.as_raw_fd())
            .chain(self.rc.card.mac.tap.as_ref().map(|t| t.raw_fd()))
            .map(|fd| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        let t = Instant::now();
        // SAFETY: valid pollfds.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as _, timeout.as_millis() as i32) };
        self.counters.waiting += t.elapsed();
        if r > 0 {
            self.last_work = self.rc.cycle;
        }
    }

    /// Accesses the checker refused so far.
    pub fn strays(&self) -> &[crate::host::memory::Stray] {
        &self.rc.memory.strays
    }
}
