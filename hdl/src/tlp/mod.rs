//! The PCIe transaction layer (issue 3). So far: the configuration space of every function,
//! built from one table.
//!
//! | module | job |
//! |---|---|
//! | [`config_table`] | the register table of each function's configuration space |
//! | [`config_space`] | [`ConfigSpace`]: the RTL built from that table |
//! | [`stream`] | the TLP stream ports of the card core |
//! | [`request_completer`] | [`RequestCompleter`]: checks received TLPs and completes non-posted requests |

pub mod config_space;
pub mod config_table;
pub mod request_completer;
pub mod stream;

pub use config_space::ConfigSpace;
pub use request_completer::RequestCompleter;
pub use stream::{TlpSink, TlpSource};
