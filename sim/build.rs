//! Builds a Verilator model of every simulation top in `ferrio_hdl::tops` and a typed Rust
//! handle for each (see `src/model.rs`).
//!
//! Per top: emit its Verilog (with the ECP5 cell models), `verilator --cc --trace-fst`,
//! read the port list from the generated header, generate a C++ shim and Rust bindings, and
//! compile the model into `target/ferrio/verilator-models/<top>-<hash>/`; a model whose Verilog
//! did not change is not rebuilt. The Verilator runtime (verilated.cpp and friends) is compiled once into
//! `target/ferrio/verilator-runtime/<key>/` and reused by every later build, whatever changed
//! in the design; `<key>` covers the Verilator version and the compile flags.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFINES: &[(&str, &str)] = &[
    ("VERILATOR", "1"),
    ("VM_COVERAGE", "0"),
    ("VM_SC", "0"),
    ("VM_TIMING", "0"),
    ("VM_TRACE", "1"),
    ("VM_TRACE_FST", "1"),
    ("VM_TRACE_VCD", "0"),
    ("VM_TRACE_SAIF", "0"),
];
const OPT: u32 = 2;

struct Port {
    /// Port name as in the Verilog (`sink$valid`).
    name: String,
    /// The C++ member Verilator made of it (`sink__024valid`).
    member: String,
    rust: String,
    width: usize,
    words: usize,
    output: bool,
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let venv = std::env::var("FERRIO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join("../.venv"));
    let ferrio_out = std::env::var("FERRIO_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join("../target/ferrio"));
    println!("cargo:rerun-if-env-changed=FERRIO_VENV");
    println!("cargo:rerun-if-changed=build.rs");
    let vroot = venv.join("verilator-root");
    let verilator = vroot.join("bin").join("verilator");
    if !verilator.exists() {
        panic!(
            "\n\nVerilator is not installed ({} is missing).\nRun `cargo xtask setup` once, \
             or use `cargo xtask test`, which installs what is missing.\n\n",
            verilator.display()
        );
    }
    println!(
        "cargo:rerun-if-changed={}",
        venv.join("ferrio-requirements.txt").display()
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let version = Command::new(&verilator)
        .env("VERILATOR_ROOT", &vroot)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();

    let mut rust = String::new();
    let mut globals: Vec<String> = Vec::new();
    for top in ferrio_hdl::tops::all()
        .into_iter()
        .filter(|t| t.kind == ferrio_hdl::tops::Kind::Sim)
    {
        // A model is rebuilt only when its Verilog (or Verilator, or the flags) changed.
        let verilog = top.verilog_for_simulation();
        let mut hasher = DefaultHasher::new();
        (&verilog, version.trim(), DEFINES, OPT, top.clock, top.reset).hash(&mut hasher);
        let cache = ferrio_out.join("verilator-models").join(format!(
            "{}-{:016x}",
            top.name,
            hasher.finish()
        ));
        // The cache holds what is slow to make (the compiled model) and the port list; the
        // Rust bindings are generated every time, so a change to their template reaches every
        // model without recompiling it.
        if !cache.join("ports.h").exists() {
            // an older cache layout (or a broken one): made again
            let _ = fs::remove_dir_all(&cache);
            let tmp = cache.with_extension(format!("tmp{}", std::process::id()));
            let _ = fs::remove_dir_all(&tmp);
            build_model(&top, &verilog, &verilator, &vroot, &tmp);
            if fs::rename(&tmp, &cache).is_err() {
                let _ = fs::remove_dir_all(&tmp);
            }
        }
        prune_stale_models(&cache, top.name);
        for g in fs::read_to_string(cache.join("globals.txt"))
            .unwrap()
            .lines()
        {
            if !globals.iter().any(|x| x == g) {
                globals.push(g.to_string());
            }
        }
        println!("cargo:rustc-link-search=native={}", cache.display());
        println!("cargo:rustc-link-lib=static=ferrio_model_{}", top.name);
        let ports = parse_ports(&fs::read_to_string(cache.join("ports.h")).unwrap());
        rust += &rust_bindings(&top, &ports);
    }

    // The runtime: compiled once per Verilator version and flag set, then reused.
    let mut hasher = DefaultHasher::new();
    (version.trim(), &globals, DEFINES, OPT).hash(&mut hasher);
    let key = format!("{:016x}", hasher.finish());
    let runtime_dir = ferrio_out.join("verilator-runtime").join(&key);
    let lib = runtime_dir.join("libferrio_verilated.a");
    if !lib.exists() {
        let tmp = ferrio_out
            .join("verilator-runtime")
            .join(format!("{key}.tmp{}", std::process::id()));
        fs::create_dir_all(&tmp).unwrap();
        let mut build = cxx_build(&vroot, &tmp);
        for g in &globals {
            build.file(find_runtime_source(&vroot, g));
        }
        build.compile("ferrio_verilated");
        fs::create_dir_all(runtime_dir.parent().unwrap()).unwrap();
        if fs::rename(&tmp, &runtime_dir).is_err() {
            // Another build got there first: theirs is as good as ours.
            let _ = fs::remove_dir_all(&tmp);
        }
        println!(
            "cargo:warning=compiled the Verilator runtime once into {}",
            runtime_dir.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", runtime_dir.display());
    println!("cargo:rustc-link-lib=static=ferrio_verilated");
    for l in ["z", "lz4", "pthread", "stdc++"] {
        println!("cargo:rustc-link-lib={l}");
    }
    fs::write(out.join("models.rs"), rust).unwrap();
}

/// Verilate one top and compile its model and shim into `dir` (`libferrio_model_<top>.a`,
/// `ports.h`: the Verilated header's port lines, `globals.txt`).
fn build_model(
    top: &ferrio_hdl::tops::Top,
    verilog: &str,
    verilator: &Path,
    vroot: &Path,
    dir: &Path,
) {
    let obj = dir.join("obj");
    fs::create_dir_all(&obj).unwrap();
    let src = dir.join(format!("{}.sim.v", top.name));
    fs::write(&src, verilog).unwrap();
    let prefix = format!("V{}", top.name);
    let status = Command::new(verilator)
        .env("VERILATOR_ROOT", vroot)
        .args([
            "--cc",
            "--trace-fst",
            "-Wno-fatal",
            "-Wno-lint",
            "-Wno-style",
        ])
        .args(["--top-module", "top", "--prefix", &prefix, "-O3"])
        .arg("-Mdir")
        .arg(&obj)
        .arg(&src)
        .status()
        .expect("running verilator");
    assert!(status.success(), "verilator failed on {}", top.name);

    let mk = fs::read_to_string(obj.join(format!("{prefix}_classes.mk"))).unwrap();
    let list = |var: &str| -> Vec<String> {
        mk.lines()
            .skip_while(|l| {
                !l.starts_with(&format!("{var} +=")) && !l.starts_with(&format!("{var} ="))
            })
            .skip(1)
            .take_while(|l| l.starts_with(|c: char| c.is_whitespace()) && !l.trim().is_empty())
            .map(|l| l.trim().trim_end_matches('\\').trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let globals: Vec<String> = list("VM_GLOBAL_FAST")
        .into_iter()
        .chain(list("VM_GLOBAL_SLOW"))
        .collect();
    fs::write(dir.join("globals.txt"), globals.join("\n")).unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for var in [
        "VM_CLASSES_FAST",
        "VM_CLASSES_SLOW",
        "VM_SUPPORT_FAST",
        "VM_SUPPORT_SLOW",
    ] {
        for f in list(var) {
            files.push(obj.join(format!("{f}.cpp")));
        }
    }
    let header = fs::read_to_string(obj.join(format!("{prefix}.h"))).unwrap();
    let ports = parse_ports(&header);
    let clock = ports
        .iter()
        .position(|p| p.name == top.clock)
        .unwrap_or_else(|| panic!("{}: no clock port {}", top.name, top.clock));
    let shim = obj.join("ferrio_shim.cpp");
    fs::write(&shim, shim_cpp(top.name, &prefix, &ports, clock)).unwrap();
    files.push(shim);

    cxx_build(vroot, dir)
        .include(&obj)
        .files(&files)
        .compile(&format!("ferrio_model_{}", top.name));
    let port_lines: Vec<&str> = header
        .lines()
        .filter(|l| l.trim_start().starts_with("VL_"))
        .collect();
    fs::write(dir.join("ports.h"), port_lines.join("\n")).unwrap();
    let _ = fs::remove_dir_all(&obj);
}

/// The C++ compiler set-up shared by the runtime and the models: the same flags and defines,
/// so the runtime compiled once links with every model. Output goes to `out` (not cargo's
/// OUT_DIR), and the caller says what to link.
fn cxx_build(vroot: &Path, out: &Path) -> cc::Build {
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .opt_level(OPT)
        .warnings(false)
        .flag("-std=c++17")
        .include(vroot.join("include"))
        .include(vroot.join("include").join("vltstd"))
        .out_dir(out)
        .cargo_metadata(false);
    for (k, v) in DEFINES {
        build.define(k, Some(*v));
    }
    build
}

/// Remove older cached models of `top`: only the one just built is kept.
fn prune_stale_models(keep: &Path, top: &str) {
    let Ok(entries) = fs::read_dir(keep.parent().unwrap()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let is_same_top = name
            .strip_prefix(top)
            .and_then(|r| r.strip_prefix('-'))
            .is_some_and(|h| h.len() == 16 && h.chars().all(|c| c.is_ascii_hexdigit()));
        if is_same_top && e.path() != keep {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn find_runtime_source(vroot: &Path, name: &str) -> PathBuf {
    for dir in ["include", "include/fstcpp"] {
        let p = vroot.join(dir).join(format!("{name}.cpp"));
        if p.exists() {
            return p;
        }
    }
    panic!(
        "Verilator runtime source {name}.cpp not found under {}",
        vroot.display()
    );
}

/// Ports from `VL_IN8(&name,msb,lsb);`, `VL_OUTW(&name,msb,lsb,words);` and friends.
fn parse_ports(header: &str) -> Vec<Port> {
    let mut ports = Vec::new();
    for line in header.lines() {
        let l = line.trim();
        let Some(rest) = l.strip_prefix("VL_") else {
            continue;
        };
        let (dir, rest) = if let Some(r) = rest.strip_prefix("INOUT") {
            (false, r)
        } else if let Some(r) = rest.strip_prefix("IN") {
            (false, r)
        } else if let Some(r) = rest.strip_prefix("OUT") {
            (true, r)
        } else {
            continue;
        };
        let Some(open) = rest.find("(&") else {
            continue;
        };
        let args: Vec<&str> = rest[open + 2..]
            .trim_end_matches(");")
            .split(',')
            .map(|s| s.trim())
            .collect();
        let name = args[0].to_string();
        let msb: usize = args[1].parse().unwrap();
        let lsb: usize = args[2].parse().unwrap();
        let width = msb - lsb + 1;
        ports.push(Port {
            rust: name.replace("__024", "_").to_lowercase(),
            name: name.replace("__024", "$"),
            member: name,
            width,
            words: width.div_ceil(32),
            output: dir,
        });
    }
    ports
}

fn shim_cpp(top: &str, prefix: &str, ports: &[Port], clock: usize) -> String {
    let mut s = String::new();
    let clk = &ports[clock].member;
    write!(
        s,
        r#"// Generated by ferrio-sim's build.rs: C entry points for the Verilator model of `{top}`.
#include <cstdint>
#include "verilated.h"
#include "verilated_fst_c.h"
#include "{prefix}.h"

namespace {{
struct Handle {{
    VerilatedContext* ctx;
    {prefix}* m;
    VerilatedFstC* fst;
    uint64_t time;
}};
inline void step(Handle* h) {{
    h->m->eval();
    if (h->fst) h->fst->dump(h->time);
    h->time++;
}}
}}

extern "C" {{
void* ferrio_{top}_new(const char* fst_path) {{
    Handle* h = new Handle;
    h->ctx = new VerilatedContext;
    h->fst = nullptr;
    h->time = 0;
    if (fst_path) h->ctx->traceEverOn(true);
    h->m = new {prefix}(h->ctx, "top");
    if (fst_path) {{
        h->fst = new VerilatedFstC;
        h->m->trace(h->fst, 99);
        h->fst->open(fst_path);
    }}
    h->m->eval();
    return h;
}}
void ferrio_{top}_free(void* p) {{
    Handle* h = static_cast<Handle*>(p);
    if (h->fst) {{ h->fst->close(); delete h->fst; }}
    h->m->final();
    delete h->m;
    delete h->ctx;
    delete h;
}}
void ferrio_{top}_eval(void* p) {{
    static_cast<Handle*>(p)->m->eval();
}}
void ferrio_{top}_tick(void* p, uint64_t n) {{
    Handle* h = static_cast<Handle*>(p);
    for (uint64_t i = 0; i < n; i++) {{
        h->m->{clk} = 0;
        step(h);
        h->m->{clk} = 1;
        step(h);
    }}
}}
void ferrio_{top}_set(void* p, uint32_t port, const uint32_t* w) {{
    Handle* h = static_cast<Handle*>(p);
    switch (port) {{
"#
    )
    .unwrap();
    for (i, p) in ports.iter().enumerate() {
        if p.output {
            continue;
        }
        let m = &p.member;
        let line = match p.width {
            0..=32 => format!("h->m->{m} = w[0];"),
            33..=64 => format!("h->m->{m} = (uint64_t)w[0] | ((uint64_t)w[1] << 32);"),
            _ => format!("for (int i = 0; i < {}; i++) h->m->{m}[i] = w[i];", p.words),
        };
        writeln!(s, "    case {i}: {line} break;").unwrap();
    }
    write!(
        s,
        "    default: break;\n    }}\n}}\nvoid ferrio_{top}_get(void* p, uint32_t port, uint32_t* w) {{\n    \
         Handle* h = static_cast<Handle*>(p);\n    switch (port) {{\n"
    )
    .unwrap();
    for (i, p) in ports.iter().enumerate() {
        let m = &p.member;
        let line = match p.width {
            0..=32 => format!("w[0] = h->m->{m};"),
            33..=64 => {
                format!("w[0] = (uint32_t)h->m->{m}; w[1] = (uint32_t)((uint64_t)h->m->{m} >> 32);")
            }
            _ => format!("for (int i = 0; i < {}; i++) w[i] = h->m->{m}[i];", p.words),
        };
        writeln!(s, "    case {i}: {line} break;").unwrap();
    }
    s += "    default: break;\n    }\n}\n}\n";
    s
}

fn camel(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rust_bindings(top: &ferrio_hdl::tops::Top, ports: &[Port]) -> String {
    let name = top.name;
    let ty = camel(name);
    let mut s = String::new();
    let port_table: Vec<String> = ports
        .iter()
        .map(|p| {
            format!(
                "PortInfo {{ name: {:?}, width: {}, output: {} }}",
                p.name, p.width, p.output
            )
        })
        .collect();
    let reset = match top.reset {
        Some((port, level)) => {
            let idx = ports.iter().position(|p| p.name == port).unwrap();
            format!("Some(({idx}, {level}))")
        }
        None => "None".into(),
    };
    write!(
        s,
        r#"
mod ffi_{name} {{
    extern "C" {{
        pub fn ferrio_{name}_new(fst: *const std::os::raw::c_char) -> *mut std::ffi::c_void;
        pub fn ferrio_{name}_free(h: *mut std::ffi::c_void);
        pub fn ferrio_{name}_eval(h: *mut std::ffi::c_void);
        pub fn ferrio_{name}_tick(h: *mut std::ffi::c_void, n: u64);
        pub fn ferrio_{name}_set(h: *mut std::ffi::c_void, port: u32, words: *const u32);
        pub fn ferrio_{name}_get(h: *mut std::ffi::c_void, port: u32, words: *mut u32);
    }}
}}

/// Verilator model of the `{name}` top ({describe}).
///
/// Ports: {port_list}.
pub struct {ty} {{
    model: Model,
}}

impl {ty} {{
    pub const INFO: TopInfo = TopInfo {{
        name: "{name}",
        ports: &[{ports}],
        reset: {reset},
        api: Api {{
            new: ffi_{name}::ferrio_{name}_new,
            free: ffi_{name}::ferrio_{name}_free,
            eval: ffi_{name}::ferrio_{name}_eval,
            tick: ffi_{name}::ferrio_{name}_tick,
            set: ffi_{name}::ferrio_{name}_set,
            get: ffi_{name}::ferrio_{name}_get,
        }},
    }};

    /// A fresh model; writes an FST wave if `FERRIO_WAVES` asks for it (see [`waves_requested`]).
    pub fn new() -> Self {{
        Self {{ model: Model::new(&Self::INFO, None) }}
    }}

    /// A fresh model writing its waves to `target/ferrio/waves/<wave_name>.fst`.
    pub fn with_waves(wave_name: &str) -> Self {{
        Self {{ model: Model::new(&Self::INFO, Some(wave_name)) }}
    }}

    /// A model of another top with exactly this top's ports (a build variant: other
    /// parameters, the same interface), driven through this type's accessors.
    pub fn variant(info: &'static TopInfo) -> Self {{
        let same = |a: &PortInfo, b: &PortInfo| a.name == b.name && a.width == b.width && a.output == b.output;
        assert!(
            info.ports.len() == Self::INFO.ports.len()
                && info.ports.iter().zip(Self::INFO.ports).all(|(a, b)| same(a, b))
                && info.reset == Self::INFO.reset,
            "{{}} is not a build variant of {name}: its ports differ",
            info.name
        );
        Self {{ model: Model::new(info, None) }}
    }}
"#,
        describe = top.describe,
        port_list = ports
            .iter()
            .map(|p| format!(
                "`{}` ({} {})",
                p.name,
                if p.output { "out" } else { "in" },
                p.width
            ))
            .collect::<Vec<_>>()
            .join(", "),
        ports = port_table.join(", "),
    )
    .unwrap();
    for (i, p) in ports.iter().enumerate() {
        let r = &p.rust;
        // Inputs get a setter, outputs a getter: a getter named after an input such as
        // `reset` would hide `Model::reset`.
        let line = match (p.output, p.width <= 64) {
            (false, true) => {
                format!("pub fn set_{r}(&mut self, value: u64) {{ self.model.set({i}, value) }}")
            }
            (true, true) => format!("pub fn {r}(&mut self) -> u64 {{ self.model.get({i}) }}"),
            (false, false) => format!(
                "pub fn set_{r}(&mut self, words: &[u32]) {{ self.model.set_wide({i}, words) }}"
            ),
            (true, false) => {
                format!("pub fn {r}(&mut self) -> Vec<u32> {{ self.model.get_wide({i}) }}")
            }
        };
        writeln!(s, "    {line}").unwrap();
    }
    write!(
        s,
        r#"}}

impl Default for {ty} {{
    fn default() -> Self {{
        Self::new()
    }}
}}

impl std::ops::Deref for {ty} {{
    type Target = Model;
    fn deref(&self) -> &Model {{
        &self.model
    }}
}}

impl std::ops::DerefMut for {ty} {{
    fn deref_mut(&mut self) -> &mut Model {{
        &mut self.model
    }}
}}
"#
    )
    .unwrap();
    s
}
