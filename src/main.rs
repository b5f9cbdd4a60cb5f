fn main() -> std::process::ExitCode {
    enroll_console::cli::main()
}
