//! The guest's network peer on this machine: the TAP interface the card's frames go to, in a
//! network namespace the run makes for itself ([`Tap::in_new_netns`]: nothing outside sees
//! it), and a TCP server there that sends each connection the same deterministic payload
//! (10 MiB by default; its MD5 is on the guest's kernel command line) and closes. The kernel
//! of this machine answers the guest's ARP and ping itself.

use crate::tap::Tap;
use rand::RngCore;
use rand::SeedableRng;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::sync::{Arc, Mutex};

/// What the TCP server did.
#[derive(Clone, Debug, Default)]
pub struct PeerStats {
    pub connections: u64,
    /// Bytes sent on connections that took the whole payload.
    pub bytes_sent: u64,
    pub completed: u64,
    pub errors: Vec<String>,
    /// Wall time of the last whole transfer.
    pub last_transfer: Option<std::time::Duration>,
}

pub struct Peer {
    pub tap: Tap,
    pub stats: Arc<Mutex<PeerStats>>,
}

/// The payload: `len` bytes from a seeded generator, the same on every run.
pub fn payload(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rand_chacha::ChaCha8Rng::seed_from_u64(0x00fe_7710).fill_bytes(&mut v);
    v
}

pub fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Peer {
    /// Move this thread into a new network namespace, make the TAP `ferrio0` there with
    /// `ip`/24, and start the TCP server on `ip:port` in a thread (threads start in the
    /// namespace of the thread that makes them).
    pub fn start(ip: Ipv4Addr, port: u16, payload: Vec<u8>) -> std::io::Result<Peer> {
        let tap = Tap::in_new_netns("ferrio0", ip, 24)?;
        let listener = TcpListener::bind(SocketAddrV4::new(ip, port))?;
        let stats = Arc::new(Mutex::new(PeerStats::default()));
        let s = stats.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut c) = conn else { continue };
                s.lock().unwrap().connections += 1;
                let t = std::time::Instant::now();
                match c.write_all(&payload).and_then(|_| c.flush()) {
                    Ok(()) => {
                        let mut st = s.lock().unwrap();
                        st.bytes_sent += payload.len() as u64;
                        st.completed += 1;
                        st.last_transfer = Some(t.elapsed());
                    }
                    Err(e) => s.lock().unwrap().errors.push(e.to_string()),
                }
            }
        });
        Ok(Peer { tap, stats })
    }
}
