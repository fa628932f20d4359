import EventStore

/// A failed command, with the one line that says why.
struct CommandError: Error, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }

    var description: String { message }

    /// The line to print for any error a command threw: this place alone turns the
    /// store's errors, a file's, a parser's into what a person reads after `error: `.
    static func line(for error: any Error) -> String {
        switch error {
        case let e as CommandError: return e.message
        case let e as StoreError: return e.description
        default: return "\(error)"
        }
    }
}

/// A command that failed after saying why itself (`.read` of a script with errors).
struct SilentFailure: Error {}
