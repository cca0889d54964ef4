//! The `brokerlab` binary: a thin layer over the library's CLI.

/// Only a `count-allocs` build counts allocations (for `brokerlab bench`); the product
/// binary keeps the system allocator.
#[cfg(feature = "count-allocs")]
#[global_allocator]
static ALLOCATOR: brokerlab::cli::CountingAllocator = brokerlab::cli::CountingAllocator;

fn main() -> std::process::ExitCode {
    brokerlab::cli::main()
}
