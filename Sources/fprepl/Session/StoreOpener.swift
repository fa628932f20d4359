import EventStore
import Foundation
import PostgresStore

/// Opens what `--store` names: a store directory, or a county's log on PostgreSQL
/// (`docs/postgres.md`).
enum StoreOpener {
    /// Opens either backend.
    ///
    /// - Parameters:
    ///   - text: A directory or a `postgres://` address.
    ///   - readOnly: Refuse appends (and never create anything).
    ///   - durability: The file store's durability (PostgreSQL commits each append).
    ///   - county: For an address without `?county=`, the county to use, if the caller
    ///     knows it from the records it will write (`copy`, `generate`); `nil` leaves the
    ///     choice to the database (its only log).
    static func open(_ text: String, readOnly: Bool, durability: EventStore.Durability = .groupCommit,
                     county: () throws -> String? = { nil }) throws -> any EventLog {
        guard PostgresAddress.isAddress(text) else {
            var c = EventStore.Configuration()
            c.readOnly = readOnly
            c.createIfMissing = !readOnly
            c.durability = durability
            return try EventStore.open(text, configuration: c)
        }
        var address = try PostgresAddress(text, environment: ProcessInfo.processInfo.environment)
        if address.county == nil { address.county = try county() }
        return try PostgresEventLog.open(address, readOnly: readOnly)
    }
}
