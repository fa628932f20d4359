import Projections

extension HouseholdQuery {
    /// A query parsed from a command's text, its filter's labels checked; a syntax error
    /// says its column in the whole command line (`prefix` characters come before `text`).
    static func parsed(_ body: () throws -> HouseholdQuery, prefix: Int) throws -> HouseholdQuery {
        do {
            var q = try body()
            q.filter = try q.filter.map(QueryEvaluator.normalize)
            return q
        } catch let e as QueryError {
            throw CommandError(e.column > 0 ? "column \(e.column + prefix): \(e.message)" : e.message)
        }
    }
}
