/// What every backend of the log offers: the file store (``EventStore``) and the
/// PostgreSQL store (`PostgresStore`). Projections and the REPL are written against
/// this and nothing else, so one set of folds and one conformance suite serve both.
///
/// The contract, whichever backend:
/// - positions are 0, 1, 2, ... with no gap, and a reader never sees position p without
///   every position before it (a record that commits late cannot be skipped);
/// - an append is all or nothing, and its expected-version conditions are checked
///   atomically with the write, also against writers in other processes;
/// - a record's canonical bytes (``BorrowedRecord/canonicalBytes``) are the same in
///   every backend, so the Merkle digest of the same records is the same.
public protocol EventLog: AnyObject, Sendable {
    /// Where the log lives, as the user would write it (`--store`), without secrets.
    var location: String { get }
    /// A fingerprint of this log, fixed when it was created: derived data (projection snapshots)
    /// records it to recognise the log it came from.
    var storeID: String { get }
    /// One past the last committed position, as of the last ``refresh()``.
    var endPosition: UInt64 { get }
    /// Whether appends are refused.
    var isReadOnly: Bool { get }
    /// Where derived data of this log (projection snapshots) is kept.
    var projectionsDirectory: String { get }

    /// Brings a reader up to what other writers have committed.
    func refresh() throws
    /// Releases the log (and, for a writer, makes what it wrote durable).
    func close() throws

    /// Calls `body` with every record from `position` through `through` (default: the
    /// last committed when the call began), in position order; `body` returns `false`
    /// to stop.
    func forEachRecord(from position: UInt64, through: UInt64?, _ body: (BorrowedRecord) throws -> Bool) throws
    /// Calls `body` with the records of one event type from `position` through `through`,
    /// in position order: for passes that want only a rare type (corrections). The file
    /// store reads every record to find them; PostgreSQL asks the database for those rows.
    func forEachRecord(ofType type: String, from position: UInt64, through: UInt64?,
                       _ body: (BorrowedRecord) throws -> Bool) throws
    /// The events of one stream from `version` on, in version order.
    func readStream(_ stream: String, from version: UInt64, maxCount: Int) throws -> [RecordedEvent]
    /// The last version of a stream, `nil` when it does not exist.
    func streamVersion(_ stream: String) throws -> UInt64?

    /// Appends events to several streams as one batch: every condition holds and every
    /// event is written, or nothing is.
    func append(_ writes: [StreamWrite]) throws -> AppendResult
    /// Appends as ``append(_:)``, only if the first event takes `position` (nil: any):
    /// for events that refer to each other by position, prepared against the log as it
    /// was. A log that grew meanwhile refuses with `versionConflict`, writing nothing.
    func append(_ writes: [StreamWrite], startingAt position: UInt64?) throws -> AppendResult
    /// Appends records copied from another log, keeping their positions, versions,
    /// recorded times and batch ends, so that the copy has the same canonical bytes
    /// (and digest). The first must take the position this log is at, each its
    /// stream's next version, and the last must end a batch.
    func appendCopies(_ records: [CopiedRecord]) throws

    /// Follows the log from `position` on: every record, then each new one.
    func tail(from position: UInt64, pollInterval: Duration) -> AsyncThrowingStream<RecordedEvent, any Error>

    /// The Merkle digest of the whole log (RFC 6962).
    func digest() throws -> Digest
    /// The digest of the first `size` records.
    func digest(size: UInt64) throws -> Digest
    /// Proof that the record at `position` is in the tree of `size` records.
    func inclusionProof(position: UInt64, size: UInt64?) throws -> InclusionProof
    /// Proof that the tree of `newSize` records extends the tree of `oldSize`.
    func consistencyProof(from oldSize: UInt64, to newSize: UInt64?) throws -> ConsistencyProof
    /// Reads every record, checks it, and recomputes the Merkle tree; the report names
    /// the first damage by position. `progress` is called now and then with the records
    /// checked and the total; when it returns `false` the check stops there and the
    /// report says it was stopped (``VerifyReport/stopped``), concluding nothing.
    func verify(progress: ((UInt64, UInt64) -> Bool)?) -> VerifyReport
}
