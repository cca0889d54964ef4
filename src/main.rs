//! The `brokerlab` binary: a thin layer over the library's CLI.

fn main() -> std::process::ExitCode {
    brokerlab::cli::main()
}
