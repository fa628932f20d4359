#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error thrown by the event store.
///
/// Every error has a broad ``Code`` (what kind of failure), a one-line ``message`` that
/// names what was wrong, and where known the file ``path``, the global ``position`` of
/// the record involved, the byte ``offset`` in that file and the operating system's
/// ``errno``. The description is a single line fit for a terminal or a log.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, in one line, without the location (see ``description``).
    public var message: String
    /// The file or directory involved, if any.
    public var path: String?
    /// The global position of the record involved, if any.
    public var position: UInt64?
    /// The byte offset in ``path`` where the problem was found, if any.
    public var offset: Int64?
    /// The `errno` reported by the system call that failed, if any.
    public var errno: Int32?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: One line saying what went wrong.
    ///   - path: The file or directory involved.
    ///   - position: The global position of the record involved.
    ///   - offset: The byte offset in `path`.
    ///   - errno: The system error number.
    public init(
        _ code: Code, _ message: String, path: String? = nil, position: UInt64? = nil,
        offset: Int64? = nil, errno: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.position = position
        self.offset = offset
        self.errno = errno
    }

    /// One line: the message, then where, then the system's word for the errno.
    public var description: String {
        var s = message
        var at: [String] = []
        if let path { at.append(path) }
        if let offset { at.append("offset \(offset)") }
        if let position { at.append("position \(position)") }
        if !at.isEmpty { s += " (" + at.joined(separator: ", ") + ")" }
        if let errno { s += ": " + StoreError.strerror(errno) + " [errno \(errno)]" }
        return s
    }

    static func strerror(_ e: Int32) -> String {
        guard let p = Glibc.strerror(e) else { return "error \(e)" }
        return String(cString: p)
    }
}

extension StoreError {
    /// A broad classification of store errors. New codes may be added; switch with a
    /// `default` case.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Hashable, Sendable {
            case notFound = "not found"
            case permissionDenied = "permission denied"
            case diskFull = "disk full"
            case io = "i/o error"
            case corruptRecord = "corrupt record"
            case lockHeld = "lock held"
            case versionConflict = "version conflict"
            case invalidArgument = "invalid argument"
            case unsupportedFormat = "unsupported format"
            case readOnly = "read only"
            case damaged = "store damaged"
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        public var description: String { wrapped.rawValue }

        /// The store directory or a file in it does not exist.
        public static let notFound = Code(.notFound)
        /// The system refused access to a file or directory.
        public static let permissionDenied = Code(.permissionDenied)
        /// A write failed for lack of space (`ENOSPC`, `EDQUOT`). Nothing of the failed
        /// append was kept; the store stays usable.
        public static let diskFull = Code(.diskFull)
        /// Any other failure of a system call.
        public static let io = Code(.io)
        /// A record's checksum, length or position is wrong: the bytes on disk are not
        /// what was written.
        public static let corruptRecord = Code(.corruptRecord)
        /// Another process holds the store's write lock.
        public static let lockHeld = Code(.lockHeld)
        /// An append's expected version does not match the stream's actual version.
        public static let versionConflict = Code(.versionConflict)
        /// The caller passed something the store cannot accept (an empty stream name, a
        /// field too long, a position past the end).
        public static let invalidArgument = Code(.invalidArgument)
        /// A file has a format version this build does not read.
        public static let unsupportedFormat = Code(.unsupportedFormat)
        /// The store was opened for reading only.
        public static let readOnly = Code(.readOnly)
        /// Damage was found earlier; the store refuses to write past it.
        public static let damaged = Code(.damaged)
    }
}

extension StoreError {
    /// Maps a failed system call's errno to an error with a meaningful code.
    static func syscall(_ name: String, errno e: Int32, path: String?, offset: Int64? = nil) -> StoreError {
        let code: Code
        switch e {
        case ENOENT, ENOTDIR: code = .notFound
        case EACCES, EPERM, EROFS: code = .permissionDenied
        case ENOSPC, EDQUOT, EFBIG: code = .diskFull
        default: code = .io
        }
        return StoreError(code, "\(name) failed", path: path, offset: offset, errno: e)
    }
}

extension StoreError {
    /// The log grew while an append that needs its positions was prepared.
    public static func logGrew(from expected: UInt64, to actual: UInt64, path: String) -> StoreError {
        StoreError(.versionConflict, "the log grew from \(expected) to \(actual) records while this append was prepared "
            + "(its events refer to each other by position); nothing was written, run it again", path: path)
    }
}
