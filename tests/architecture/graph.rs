//! The crate as a graph of files: which file each path resolves to (following `use`
//! re-exports to the file that defines the item), the folder layers, and circles.

use super::scan;
use std::collections::{BTreeMap, BTreeSet};

/// Source files by path relative to src/ (`kafka/broker.rs`).
pub type Files = BTreeMap<String, String>;

/// One import: from a file to the file that defines what it names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// The path as written, for the message.
    pub path: String,
}

/// The module path of a file: `kafka/mod.rs` → [kafka], `kafka/log.rs` → [kafka, log].
pub fn module_of(file: &str) -> Vec<String> {
    let mut p: Vec<String> = file.trim_end_matches(".rs").split('/').map(String::from).collect();
    if p.last().is_some_and(|l| l == "mod") || p == ["lib"] || p == ["main"] {
        p.pop();
    }
    p
}

fn file_of(files: &Files, module: &[String]) -> Option<String> {
    if module.is_empty() {
        return Some("lib.rs".into());
    }
    let base = module.join("/");
    [format!("{base}.rs"), format!("{base}/mod.rs")].into_iter().find(|f| files.contains_key(f))
}

/// What each module's `use` declarations bring into scope: name → absolute path.
struct Scopes(BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>);

impl Scopes {
    fn new(files: &Files, stripped: &BTreeMap<String, String>) -> Scopes {
        let mut m: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for (file, s) in stripped {
            for u in scan::paths(s).into_iter().filter(|u| u.in_use) {
                let mut module = module_of(file);
                module.extend(u.inline.iter().cloned());
                if let Some(abs) = absolute(files, &module, &u.segs, true)
                    && let Some(last) = abs.last()
                {
                    m.entry(module).or_default().insert(last.clone(), abs);
                }
            }
        }
        Scopes(m)
    }

    /// The file defining the item `abs` names, following re-exports.
    fn resolve(&self, files: &Files, abs: &[String], hops: u32) -> String {
        let mut k = 0;
        while k < abs.len() && file_of(files, &abs[..=k]).is_some() {
            k += 1;
        }
        let module = &abs[..k];
        let here = file_of(files, module).expect("a prefix that exists");
        if hops < 8
            && let Some(next) = abs.get(k)
            && let Some(target) = self.0.get(module).and_then(|names| names.get(next))
            && target.as_slice() != abs
        {
            let mut t = target.clone();
            t.extend(abs[k + 1..].iter().cloned());
            return self.resolve(files, &t, hops + 1);
        }
        here
    }
}

/// A written path made absolute from the module it is written in; None for paths into
/// other crates.
fn absolute(files: &Files, module: &[String], segs: &[String], in_use: bool) -> Option<Vec<String>> {
    let first = segs.first()?;
    match first.as_str() {
        "crate" => Some(segs[1..].to_vec()),
        "super" => {
            let mut base = module.to_vec();
            let mut k = 0;
            while segs.get(k).is_some_and(|s| s == "super") {
                base.pop();
                k += 1;
            }
            base.extend(segs[k..].iter().cloned());
            Some(base)
        }
        "self" => Some(module.iter().chain(&segs[1..]).cloned().collect()),
        child if in_use => {
            let mut m = module.to_vec();
            m.push(child.to_string());
            file_of(files, &m).is_some().then(|| module.iter().chain(segs).cloned().collect())
        }
        _ => None,
    }
}

/// Every import edge between two different files of the crate (main.rs excluded: it is
/// the binary's one-line front).
pub fn edges(files: &Files) -> BTreeSet<Edge> {
    let stripped: BTreeMap<String, String> = files.iter().map(|(f, s)| (f.clone(), scan::strip(s))).collect();
    let scopes = Scopes::new(files, &stripped);
    let mut out = BTreeSet::new();
    for (file, s) in stripped.iter().filter(|(f, _)| *f != "main.rs" && *f != "lib.rs") {
        for u in scan::paths(s) {
            let mut module = module_of(file);
            module.extend(u.inline.iter().cloned());
            let Some(abs) = absolute(files, &module, &u.segs, u.in_use) else { continue };
            if abs.is_empty() {
                continue;
            }
            let to = scopes.resolve(files, &abs, 0);
            if &to != file && to != "lib.rs" {
                out.insert(Edge { from: file.clone(), to, path: u.segs.join("::") });
            }
        }
    }
    out
}

/// The top folder of a file (`kafka/replication/log.rs` → kafka).
pub fn folder(file: &str) -> &str {
    file.split('/').next().map(|f| f.trim_end_matches(".rs")).unwrap_or(file)
}

/// Circles of files (strongly connected components with more than one file), by Tarjan.
pub fn circles(edges: &BTreeSet<Edge>) -> Vec<Vec<String>> {
    let mut adj: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges {
        adj.entry(&e.from).or_default().insert(&e.to);
        adj.entry(&e.to).or_default();
    }
    let nodes: Vec<&str> = adj.keys().copied().collect();
    let ix: BTreeMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let succ: Vec<Vec<usize>> = nodes.iter().map(|n| adj[n].iter().map(|m| ix[m]).collect()).collect();
    let mut t = Tarjan { succ: &succ, index: vec![None; nodes.len()], low: vec![0; nodes.len()], ..Tarjan::default() };
    for v in 0..nodes.len() {
        if t.index[v].is_none() {
            t.visit(v);
        }
    }
    t.out.into_iter().map(|c| c.into_iter().map(|i| nodes[i].to_string()).collect()).collect()
}

#[derive(Default)]
struct Tarjan<'a> {
    succ: &'a [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    stack: Vec<usize>,
    on: BTreeSet<usize>,
    next: usize,
    out: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    fn visit(&mut self, v: usize) {
        self.index[v] = Some(self.next);
        self.low[v] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on.insert(v);
        for &w in &self.succ[v] {
            match self.index[w] {
                None => {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(iw) if self.on.contains(&w) => self.low[v] = self.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on.remove(&w);
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                self.out.push(comp);
            }
        }
    }
}
