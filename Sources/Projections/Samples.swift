import Foundation

/// The canonical sample logs shipped with the library (`Events/samples/`).
public enum SampleLogs {
    /// The names of the samples, without `.jsonl`.
    public static let names = ["household-life", "inspection-county"]

    /// The text of a sample. `household-life`: a household's whole life (identified,
    /// helped, paid, exited, corrected, 返贫, exited again, monitored) and one event of
    /// every other type. `inspection-county`: a village of nine households, three
    /// cadres, a fund and a project in which each findings rule is broken once.
    public static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Samples") else {
            throw ProjectionError(.notFound, "no such sample log; the samples are " + names.joined(separator: ", "), file: name)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
