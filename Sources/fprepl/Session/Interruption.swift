import CInterrupt

/// Ctrl-C (`docs/repl.md`, "Ctrl-C"). At the prompt it cancels the line; during a long
/// command (`rebuild`, `import`, `findings`, `verify`, `export`) the command stops at its
/// next step, before it writes anything, and says so; in a script the script stops
/// there and fprepl exits 130, as a shell does for a program ended by SIGINT. A second
/// Ctrl-C before the first was seen (a command that has no steps to stop between) ends
/// fprepl at once.
enum Interruption {
    /// Installs the handler (the main thread, at start).
    static func install() { fp_interrupt_install() }

    /// Whether Ctrl-C was pressed since the last ``clear()``.
    static var pending: Bool { fp_interrupt_pending() != 0 }

    /// Forgets a Ctrl-C that was dealt with.
    static func clear() { fp_interrupt_clear() }

    /// Throws ``Interrupted`` when Ctrl-C was pressed: long work calls it between steps.
    static func check() throws(Interrupted) {
        if pending { throw Interrupted() }
    }
}

/// Long work stopped by Ctrl-C. The command that was stopped turns it into what it left
/// undone (``CommandInterrupted``).
struct Interrupted: Error {}

/// A command stopped by Ctrl-C, with the one line that says what it did not do.
struct CommandInterrupted: Error, CustomStringConvertible {
    var description: String

    /// `import interrupted (Ctrl-C): nothing was imported`.
    init(_ command: String, _ consequence: String) {
        description = "\(command) interrupted (Ctrl-C): \(consequence)"
    }

    /// A line said whole, for work that several commands share (folding the county).
    init(whole: String) { description = whole }
}
