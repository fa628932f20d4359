import Projections

extension HouseholdQuery {
    /// A query parsed from a command's text, its filter's values checked; an error says
    /// its column in the whole command line (`prefix` characters come before `text`).
    static func parsed(_ body: () throws -> HouseholdQuery, prefix: Int) throws -> HouseholdQuery {
        do {
            return try body()
        } catch let e as QueryError {
            // Values echoed in the message are quoted and cut by the checks themselves.
            throw CommandError(e.column > 0 ? "column \(e.column + prefix): \(e.message)" : e.message)
        }
    }
}

extension Session {
    /// The county's villages as of the asof point, for a query that names one (or a
    /// town) by name; none when the county cannot be folded (then only codes match).
    var villagesForQuery: () -> [VillageState] {
        { [self] in (try? Array(self.county().villages.values)) ?? [] }
    }
}
