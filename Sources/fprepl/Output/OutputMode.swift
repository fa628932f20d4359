import ArgumentParser

/// How results are printed (`.mode`, `--format`).
enum OutputMode: String, ExpressibleByArgument, CaseIterable {
    /// Aligned columns; Chinese text counts two cells a character.
    case table
    /// One JSON document per command.
    case json
    /// RFC 4180 with a header row.
    case csv
    /// `key = value`, one per line.
    case line
}
