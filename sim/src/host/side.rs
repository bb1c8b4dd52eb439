//! The card's data-path and device ports of one function, played by the host model until the
//! queue engine and the devices (issues 4-6) live in the RTL.
//!
//! - **Device configuration**: a byte array answered after `devcfg_latency` cycles, honouring
//!   byte enables, the way a device's configuration structure would answer.
//! - **Data path**: `idle` (default true) says nothing is in flight, so resets complete; a test
//!   holds it low to see a reset wait.
//! - **Events**: `config_changed`, `needs_reset` and `queue_irq` are pulses, sent at the next
//!   cycle by [`FunctionSide::inputs`].
//! - **Observed**: notifications, and whether a device or queue reset is pending.

/// A device-config access the card forwarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DevCfgAccess {
    pub write: bool,
    pub dw: u16,
    pub be: u8,
    pub wdata: u32,
}

/// What the card showed on the function's ports in one cycle.
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    pub devcfg: Option<DevCfgAccess>,
    pub resetting: bool,
    pub queue_resetting: Option<u16>,
    pub notify: Option<(u16, u16)>,
}

/// What the host model drives into the card in one cycle.
#[derive(Clone, Copy, Debug, Default)]
pub struct Inputs {
    pub devcfg_done: bool,
    pub devcfg_rdata: u32,
    pub config_changed: bool,
    pub needs_reset: bool,
    pub queue_irq: Option<u16>,
    pub idle: bool,
}

#[derive(Clone, Debug)]
pub struct FunctionSide {
    /// The device's configuration structure.
    pub devcfg: Vec<u8>,
    /// Cycles from a device-config strobe to the answer (at least 1).
    pub devcfg_latency: u64,
    /// Every device-config access, in order.
    pub devcfg_log: Vec<DevCfgAccess>,
    pub idle: bool,
    pub config_changed: bool,
    pub needs_reset: bool,
    pub queue_irq: Option<u16>,
    /// Every notification: (queue, `{next_wrap, next_off}` or 0).
    pub notifications: Vec<(u16, u16)>,
    /// Last cycle's `resetting`.
    pub resetting: bool,
    /// Last cycle's queue reset in progress.
    pub queue_resetting: Option<u16>,
    answer: Option<(u64, DevCfgAccess)>,
}

impl Default for FunctionSide {
    fn default() -> Self {
        FunctionSide {
            devcfg: (0..0x100).map(|k| k as u8).collect(),
            devcfg_latency: 3,
            devcfg_log: Vec::new(),
            idle: true,
            config_changed: false,
            needs_reset: false,
            queue_irq: None,
            notifications: Vec::new(),
            resetting: false,
            queue_resetting: None,
            answer: None,
        }
    }
}

impl FunctionSide {
    /// The inputs for this cycle (pulses are consumed).
    pub fn inputs(&mut self) -> Inputs {
        let mut i = Inputs {
            idle: self.idle,
            config_changed: std::mem::take(&mut self.config_changed),
            needs_reset: std::mem::take(&mut self.needs_reset),
            queue_irq: self.queue_irq.take(),
            ..Default::default()
        };
        if let Some((left, a)) = self.answer {
            if left <= 1 {
                self.answer = None;
                i.devcfg_done = true;
                let base = 4 * a.dw as usize;
                if a.write {
                    for k in 0..4 {
                        if a.be >> k & 1 == 1 {
                            if let Some(b) = self.devcfg.get_mut(base + k) {
                                *b = (a.wdata >> (8 * k)) as u8;
                            }
                        }
                    }
                } else {
                    for k in 0..4 {
                        let b = self.devcfg.get(base + k).copied().unwrap_or(0);
                        i.devcfg_rdata |= (b as u32) << (8 * k);
                    }
                }
            } else {
                self.answer = Some((left - 1, a));
            }
        }
        i
    }

    /// Record what the card showed in the cycle just run.
    pub fn observe(&mut self, o: Outputs) {
        if let Some(a) = o.devcfg {
            assert!(
                self.answer.is_none(),
                "a second device-config access before the first was answered"
            );
            self.devcfg_log.push(a);
            self.answer = Some((self.devcfg_latency.max(1), a));
        }
        if let Some(n) = o.notify {
            self.notifications.push(n);
        }
        self.resetting = o.resetting;
        self.queue_resetting = o.queue_resetting;
    }
}
