import EventStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error thrown by the domain layer: a line of an import that cannot be imported, an
/// event whose field is wrong, JSON that does not parse, a stored payload or snapshot
/// that does not decode, a file that cannot be written.
///
/// Every error has a broad ``Code``, a one-line ``message`` that says what is wrong, and
/// where known the ``file``, the 1-based ``line`` and ``column`` in it, the ``field``
/// (`data.members[1].id_number`), the log ``position`` of the record involved and the
/// system's ``errno``. The description is one line, the place first:
/// `line 3: field data.village: "5301" is not a 12-digit village code`.
public struct ProjectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case syntax, invalid, refused, undecodable, notFound, io, tooLarge
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Text that is not JSON.
        public static let syntax = Code(.syntax)
        /// A field that is unknown, missing, of the wrong kind or of a value it cannot take.
        public static let invalid = Code(.invalid)
        /// A valid event the ledger refuses where it would go: the household's status
        /// does not allow it, the stream's version is not the one expected.
        public static let refused = Code(.refused)
        /// Stored bytes (a payload, a snapshot) that do not decode.
        public static let undecodable = Code(.undecodable)
        /// Something named that does not exist (a sample log).
        public static let notFound = Code(.notFound)
        /// The file system failed (``ProjectionError/errno`` says how).
        public static let io = Code(.io)
        /// A sum of amounts that does not fit in 64 bits of fen (see ``Fen/+(_:_:)``).
        public static let tooLarge = Code(.tooLarge)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What is wrong, in one line, without the place (see ``description``).
    public var message: String
    /// The file involved, if any.
    public var file: String?
    /// The 1-based line in the file (or in the text imported), if any.
    public var line: Int?
    /// The 1-based character column in the line, if any.
    public var column: Int?
    /// The field's path in the event (`data.members[1].id_number`), if any.
    public var field: String?
    /// The log position of the record involved, if any.
    public var position: UInt64?
    /// The `errno` of the system call that failed, if any.
    public var errno: Int32?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: One line saying what is wrong.
    ///   - file: The file involved.
    ///   - line: The 1-based line.
    ///   - column: The 1-based column in the line.
    ///   - field: The field's path.
    ///   - position: The log position of the record involved.
    ///   - errno: The system error number.
    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil,
                field: String? = nil, position: UInt64? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.position = position
        self.errno = errno
    }

    /// A field's error: `field data.village: ...`.
    public static func field(path: String, message: String) -> ProjectionError {
        ProjectionError(.invalid, message, field: path)
    }

    /// Two amounts whose sum or difference does not fit in 64 bits of fen.
    static func sumTooLarge(_ a: Fen, _ b: Fen) -> ProjectionError {
        ProjectionError(.tooLarge, "adding \(a.value) fen and \(b.value) fen passes the largest sum 64 bits hold "
                        + "(9,223,372,036,854,775,807 fen): the store's amounts add up to more than any projection can count")
    }

    /// The same error at a line of a file or text (what an import reports).
    public func at(line: Int) -> ProjectionError {
        var e = self
        e.line = line
        return e
    }

    /// One line: where (file, line, column, position, field), then what, then the
    /// system's word for the errno.
    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let line { parts.append("line \(line)") }
        if let column { parts.append("column \(column)") }
        if let position { parts.append("position \(position)") }
        if let field { parts.append("field \(field)") }
        parts.append(message)
        var s = parts.joined(separator: ": ")
        if let errno { s += ": " + String(cString: strerror(errno)) }
        return s
    }
}
