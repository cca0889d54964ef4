//! The house rules, checked on the source text: imports point down the declared layers,
//! no two folders import each other, no circle of files, no file over 400 lines, no
//! function over 70 lines unless it is a match that only dispatches. The layer order is
//! written here and in docs/ARCHITECTURE.md, and a test keeps the two equal.

#[path = "architecture/graph.rs"]
mod graph;
#[path = "architecture/scan.rs"]
mod scan;

use graph::{Edge, Files};
use std::collections::BTreeSet;
use std::path::Path;

/// Top to bottom; a folder imports only folders further down. Folders on one line (`|`)
/// are siblings and import neither each other.
const LAYERS: &[&[&str]] =
    &[&["cli"], &["gui"], &["runner"], &["world"], &["scenario"], &["kafka", "amqp"], &["check"], &["trace"], &["sim"]];

const MAX_FILE_LINES: usize = 400;
const MAX_FUNCTION_LINES: usize = 70;

fn layers_line() -> String {
    LAYERS.iter().map(|l| l.join(" | ")).collect::<Vec<_>>().join(" → ")
}

fn rank(folder: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&folder))
}

fn load(dir: &Path, rel: &str, out: &mut Files) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("src/ readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).expect("utf-8 name").to_string();
        let r = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if p.is_dir() {
            load(&p, &r, out);
        } else if name.ends_with(".rs") {
            out.insert(r, std::fs::read_to_string(&p).expect("source readable"));
        }
    }
}

fn sources() -> Files {
    let mut f = Files::new();
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), "", &mut f);
    assert!(f.len() > 50, "found only {} files under src/", f.len());
    f
}

/// Imports that break the layer order, one line each.
fn layer_breaks(edges: &BTreeSet<Edge>) -> Vec<String> {
    let mut bad = Vec::new();
    for e in edges {
        let (a, b) = (graph::folder(&e.from), graph::folder(&e.to));
        if a == b {
            continue;
        }
        match (rank(a), rank(b)) {
            (Some(ra), Some(rb)) if rb > ra => {}
            (Some(ra), Some(rb)) if ra == rb => bad.push(format!("{} → {} ({}): siblings", e.from, e.to, e.path)),
            (Some(_), Some(_)) => bad.push(format!("{} → {} ({}): points up", e.from, e.to, e.path)),
            (None, _) | (_, None) => bad.push(format!("{} → {}: folder not in the layers", e.from, e.to)),
        }
    }
    bad
}

#[test]
fn the_layer_order_in_the_docs_is_the_one_checked_here() {
    let doc = architecture_doc();
    let line = layers_line();
    assert!(doc.contains(&line), "docs/ARCHITECTURE.md must state the layers as `{line}`");
}

#[test]
fn every_folder_has_a_layer() {
    let files = sources();
    let folders: BTreeSet<&str> = files.keys().filter(|f| f.contains('/')).map(|f| graph::folder(f)).collect();
    let missing: Vec<&&str> = folders.iter().filter(|f| rank(f).is_none()).collect();
    assert!(missing.is_empty(), "folders without a layer: {missing:?}");
}

#[test]
fn imports_point_down_the_declared_layers() {
    let bad = layer_breaks(&graph::edges(&sources()));
    assert!(bad.is_empty(), "{} imports break `{}`:\n{}", bad.len(), layers_line(), bad.join("\n"));
}

#[test]
fn no_circle_of_files() {
    let c = graph::circles(&graph::edges(&sources()));
    assert!(
        c.is_empty(),
        "{} circles of files:\n{}",
        c.len(),
        c.iter().map(|c| c.join(" ↔ ")).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn no_file_over_400_lines() {
    let long: Vec<String> = sources()
        .iter()
        .map(|(f, s)| (f, s.lines().count()))
        .filter(|(_, n)| *n > MAX_FILE_LINES)
        .map(|(f, n)| format!("src/{f}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "files over {MAX_FILE_LINES} lines:\n{}", long.join("\n"));
}

#[test]
fn no_function_over_70_lines_unless_it_only_dispatches() {
    let mut long = Vec::new();
    for (f, s) in &sources() {
        for func in scan::functions(&scan::strip(s)) {
            if func.lines > MAX_FUNCTION_LINES && !func.dispatch_only {
                long.push(format!("src/{f}:{} fn {}: {} lines", func.line, func.name, func.lines));
            }
        }
    }
    assert!(long.is_empty(), "functions over {MAX_FUNCTION_LINES} lines:\n{}", long.join("\n"));
}

/// The checker itself: a made-up crate with an upward import, a sibling import, a circle
/// through a re-export, an over-long function and a long dispatch match.
#[test]
fn the_checker_catches_what_it_forbids() {
    let body = (0..80).map(|i| format!("    let x{i} = {i};\n")).collect::<String>();
    let arms = (0..80).map(|i| format!("        {i} => f{i}(),\n")).collect::<String>();
    let files: Files = [
        ("lib.rs", "pub mod sim;\npub mod trace;\npub mod kafka;\npub mod amqp;\n".to_string()),
        ("sim/mod.rs", "use crate::trace::Rec;\n".into()),
        ("trace/mod.rs", "pub mod a;\npub use a::Rec;\n".into()),
        ("trace/a.rs", "use super::b::B;\npub struct Rec;\n".into()),
        ("trace/b.rs", "pub struct B;\nfn g() { let _ = crate::trace::Rec; }\n".into()),
        ("kafka/mod.rs", "use crate::amqp::Q;\n// use crate::world::X;\nconst S: &str = \"crate::world\";\n".into()),
        (
            "amqp/mod.rs",
            format!("pub struct Q;\nfn long() {{\n{body}}}\nfn d(n: u8) {{\n    match n {{\n{arms}    }}\n}}\n"),
        ),
    ]
    .into_iter()
    .map(|(f, s)| (f.to_string(), s))
    .collect();
    let edges = graph::edges(&files);
    let bad = layer_breaks(&edges);
    assert!(bad.iter().any(|b| b.starts_with("sim/mod.rs → trace/a.rs") && b.ends_with("points up")), "{bad:?}");
    assert!(bad.iter().any(|b| b.starts_with("kafka/mod.rs → amqp/mod.rs") && b.ends_with("siblings")), "{bad:?}");
    assert!(!bad.iter().any(|b| b.contains("world")), "comments and strings are not imports: {bad:?}");
    assert_eq!(graph::circles(&edges), vec![vec!["trace/a.rs".to_string(), "trace/b.rs".to_string()]]);
    let funcs = scan::functions(&scan::strip(&files["amqp/mod.rs"]));
    let long: Vec<(&str, bool)> =
        funcs.iter().filter(|f| f.lines > MAX_FUNCTION_LINES).map(|f| (f.name.as_str(), f.dispatch_only)).collect();
    assert_eq!(long, vec![("long", false), ("d", true)]);
}

fn architecture_doc() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md"))
        .expect("docs/ARCHITECTURE.md")
}

/// The docs stay true to the tree: every `folder/file.rs` they name exists.
#[test]
fn the_architecture_doc_names_only_files_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = architecture_doc();
    let named: Vec<&str> = doc
        .lines()
        .filter(|l| !l.starts_with("```"))
        .flat_map(|l| l.split('`').skip(1).step_by(2))
        .filter(|t| t.contains('/') && t.ends_with(".rs") && !t.contains([' ', '*']))
        .collect();
    assert!(named.len() > 30, "the doc names only {} files: is the scan broken?", named.len());
    let missing: Vec<&&str> =
        named.iter().filter(|t| !root.join("src").join(t).exists() && !root.join(t).exists()).collect();
    assert!(missing.is_empty(), "docs/ARCHITECTURE.md names files that do not exist: {missing:?}");
}

/// Each concept of the chapter has a row in the doc's concept table, naming a source file.
#[test]
fn every_concept_of_the_chapter_has_a_file() {
    const CONCEPTS: &[&str] = &[
        "producer",
        "consumer",
        "consumer group",
        "topic",
        "partition",
        "offset",
        "committed offset",
        "broker",
        "cluster",
        "ZooKeeper",
        "controller",
        "replica",
        "leader, follower",
        "ISR",
        "high watermark",
        "retry",
        "dead-letter queue",
        "exchange, binding",
        "queue",
    ];
    let doc = architecture_doc();
    for c in CONCEPTS {
        let row = doc.lines().find(|l| l.starts_with(&format!("| {c} | `")));
        assert!(row.is_some_and(|r| r.contains(".rs`")), "no row naming a file for \"{c}\" in docs/ARCHITECTURE.md");
    }
}
